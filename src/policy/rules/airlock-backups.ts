import type { RangeVar } from '@pgsql/types';
import type { StatementNode, WrappedNode } from '../../sql/tree.ts';
import type { Rule } from './rule.ts';

const KEPT = new Set(['airlock_backup', 'airlock_trash']);

function inKept(relation: RangeVar | undefined): boolean {
  return KEPT.has(relation?.schemaname ?? '');
}

/** DROP TABLE airlock_trash.x (a qualified name) or DROP SCHEMA airlock_backup (a bare one). */
function namesKept(objects: readonly WrappedNode[] | undefined, schemaLevel: boolean): boolean {
  return (objects ?? []).some((object) => {
    if (schemaLevel) return KEPT.has(object.String?.sval ?? '');
    const items: readonly WrappedNode[] = object.List?.items ?? [];
    return items.length >= 2 && KEPT.has(items[items.length - 2]?.String?.sval ?? '');
  });
}

/** The relation a statement writes, creates, alters or removes, by kind. */
function targets({ kind, node }: StatementNode): (RangeVar | undefined)[] {
  switch (kind) {
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
    case 'AlterTableStmt':
    case 'CreateStmt':
    case 'IndexStmt':
    case 'CreateTrigStmt':
    case 'RuleStmt':
    case 'RenameStmt':
    case 'CopyStmt':
      return [node.relation];
    case 'TruncateStmt':
      return (node.relations ?? []).map((relation: WrappedNode) => relation.RangeVar);
    case 'CreateTableAsStmt':
      return [node.into?.rel];
    case 'SelectStmt':
      return [node.intoClause?.rel];
    default:
      return [];
  }
}

/**
 * Backups and trashed tables are what `airlock undo` restores from: changing
 * them would make the undo restore something else. Reading them is fine, and
 * so is moving a table out of the trash (what undo itself does).
 */
export const airlockBackups: Rule = {
  name: 'airlock-backups',
  kinds: new Set([
    'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'AlterTableStmt', 'CreateStmt', 'IndexStmt', 'CreateTrigStmt', 'RuleStmt',
    'RenameStmt', 'CopyStmt', 'TruncateStmt', 'CreateTableAsStmt', 'SelectStmt', 'DropStmt', 'GrantStmt', 'AlterObjectSchemaStmt',
  ]),
  tier: 'forbidden',
  message:
    'airlock_backup and airlock_trash hold what approved actions removed, for airlock undo: they are never changed through Airlock (read them, or restore with airlock undo)',
  check(statement) {
    const { kind, node } = statement;
    if (kind === 'CopyStmt' && !node.is_from) return false; // COPY … TO reads
    if (targets(statement).some(inKept)) return true;
    if (kind === 'DropStmt') return namesKept(node.objects, node.removeType === 'OBJECT_SCHEMA');
    if (kind === 'GrantStmt' && node.objtype === 'OBJECT_SCHEMA') return namesKept(node.objects, true);
    if (kind === 'RenameStmt' && node.renameType === 'OBJECT_SCHEMA') return KEPT.has(String(node.subname ?? ''));
    if (kind === 'AlterObjectSchemaStmt') return KEPT.has(String(node.newschema ?? '')); // moving a table into them
    return false;
  },
};
