import type { AlterTableStmt, RangeVar } from '@pgsql/types';
import { archiveTableFor } from './cleanup-request.ts';
import { changesRows } from './row-change.ts';
import { relationName } from '../sql/names.ts';
import type { StatementVerdict } from '../contracts/classification.ts';
import type { WrappedNode } from '../sql/tree.ts';

// Statements that destroy what a whole-table copy can hold: a TRUNCATEd or
// DROPped table, a dropped or retyped column. (What a DELETE, UPDATE, MERGE or
// upsert removes or overwrites is kept from the statement's own RETURNING, at
// every tier: see effect-capture.ts.)
const DESTROYING_KINDS = new Set(['TruncateStmt', 'DropStmt', 'AlterTableStmt']);

/**
 * The tables to copy aside before a destructive migration runs, so that what
 * it destroys can be restored. Pure: from the classification alone.
 */
export function tablesToBackUp(statements: StatementVerdict[]): string[] {
  const tables = new Set<string>();
  for (const statement of statements) {
    if (statement.tier !== 'destructive' || !DESTROYING_KINDS.has(statement.kind)) continue;
    for (const table of statement.tables) tables.add(table);
  }
  return [...tables];
}

/** The columns an ALTER TABLE drops: `{ table, column }`, the table schema-qualified as the classifier names it. */
export function droppedColumns(statement: Pick<StatementVerdict, 'kind' | 'tables'>, node: Record<string, unknown> | undefined): { table: string; column: string }[] {
  if (statement.kind !== 'AlterTableStmt' || !node || statement.tables.length !== 1) return [];
  const cmds: readonly WrappedNode[] = (node as AlterTableStmt).cmds ?? [];
  return cmds.flatMap((cmd) =>
    cmd.AlterTableCmd?.subtype === 'AT_DropColumn' && cmd.AlterTableCmd.name ? [{ table: statement.tables[0]!, column: cmd.AlterTableCmd.name }] : [],
  );
}

/** A DROP TABLE (of tables only): moved to `airlock_trash` rather than dropped. */
export function dropsTables(statement: Pick<StatementVerdict, 'kind' | 'rules' | 'tables'>): boolean {
  return statement.kind === 'DropStmt' && statement.rules.includes('ban-drop-table') && statement.tables.length > 0;
}

/**
 * What will be kept before the action runs, and how to undo it: shown to the
 * reviewer with the approval and written to the audit trail. Undefined when
 * the action destroys nothing a backup holds.
 */
export function undoPathFor(
  statements: StatementVerdict[],
  nodes: (Record<string, unknown> | undefined)[],
  cleanup: { table: string; mode: 'delete' | 'archive' } | undefined,
  actionId: string,
): string | undefined {
  const undo = `undo: airlock undo ${actionId} --as NAME`;
  if (cleanup) {
    const archived = cleanup.mode === 'archive' ? `, moved to ${archiveTableFor(cleanup.table)}` : '';
    return `the rows are kept in airlock_backup.${actionId}${archived}; ${undo}`;
  }
  const kept: string[] = [];
  let byHand = 0;
  for (const [index, statement] of statements.entries()) {
    const node = nodes[index];
    if (node && changesRows(statement.kind, node)) {
      const relation = node.relation as RangeVar;
      kept.push(
        `the rows statement ${index + 1} deletes or overwrites in ${relationName(relation)} kept in airlock_backup.${actionId}_s${index + 1}, from the statement's own RETURNING`,
      );
      continue;
    }
    if (statement.tier !== 'destructive') continue;
    if (dropsTables(statement)) {
      kept.push(`${statement.tables.join(', ')} moved to airlock_trash instead of dropped`);
      continue;
    }
    if (statement.rules.includes('replace-existing-definition')) {
      const replaced = statement.findings.find((finding) => finding.rule === 'replace-existing-definition')?.detail ?? 'the definition it replaces';
      kept.push(`the old definition (${replaced.replace(/^replaces /, '')}) kept in airlock_backup`);
      continue;
    }
    const drops = droppedColumns(statement, node);
    if (drops.length && drops.length === ((node?.cmds as unknown[] | undefined)?.length ?? 0)) {
      kept.push(`${drops.map((drop) => `${drop.table}.${drop.column}`).join(', ')} kept with the primary key in airlock_backup (the whole table is copied if it has none)`);
      continue;
    }
    if (DESTROYING_KINDS.has(statement.kind) && statement.tables.length) {
      kept.push(`${statement.tables.join(', ')} copied into schema airlock (restore by hand)`);
      byHand += 1;
    }
  }
  if (kept.length === 0) return undefined;
  // Copies of whole tables are restored by hand; anything else, airlock undo puts back.
  return `${kept.join('; ')}${kept.length > byHand ? `; ${undo}` : ''}`;
}
