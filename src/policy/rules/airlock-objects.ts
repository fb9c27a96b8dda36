import type { List, RangeVar } from '@pgsql/types';
import { isAirlockSchema } from '../airlock-schemas.ts';
import { createsUnqualified, nameParts, walk } from '../../sql/definitions.ts';
import { lookUpCreationSchema, lookUpFunction, lookUpRelation } from '../target-catalogue.ts';
import type { Fields, WrappedNode } from '../../sql/tree.ts';
import type { Rule, StatementContext } from './rule.ts';

// Keys under which a statement holds the relation it creates, changes or locks.
const TARGETS = ['relation', 'view', 'sequence', 'typevar', 'table'];
// Sequence functions that take the sequence's name as a string: nextval('airlock.audit_audit_id_seq') moves Airlock's ids.
const SEQUENCE_FUNCTIONS = new Set(['nextval', 'setval']);
// Statements that name their objects as bare lists of name parts (DROP a.b, COMMENT ON, OWNER TO, RENAME, SET SCHEMA).
const NAMES_IN_LISTS = new Set(['DropStmt', 'CommentStmt', 'AlterOwnerStmt', 'RenameStmt', 'AlterObjectSchemaStmt']);

function qualifiedIn(parts: string[]): string | undefined {
  return parts.length >= 2 && isAirlockSchema(parts[parts.length - 2]) ? parts.join('.') : undefined;
}

/** Names in Airlock's schemas that the statement defines, changes, calls or types with (reading its tables is left to airlock-state). */
function airlockNames({ kind, node, facts }: StatementContext): string | undefined {
  let hit: string | undefined;
  for (const parts of facts.qualifiedNames) if ((hit = qualifiedIn(parts))) return hit;
  for (const { name, first } of facts.constantFirstArguments) {
    const [schema] = first.split('.');
    if (SEQUENCE_FUNCTIONS.has(name) && first.includes('.') && isAirlockSchema(schema)) return `${name}('${first}')`;
  }
  if (NAMES_IN_LISTS.has(kind)) {
    walk({ [kind]: node }, (key, child) => {
      if (key === 'List') hit ??= qualifiedIn(nameParts((child as List).items));
    });
  }
  if (hit) return hit;
  // Schema-level: CREATE SCHEMA airlock_x, ALTER … SET SCHEMA airlock, DROP/COMMENT/OWNER of the schema itself.
  if (kind === 'CreateSchemaStmt' && isAirlockSchema(String(node.schemaname ?? ''))) return String(node.schemaname);
  // GRANT/REVOKE … ON ALL TABLES (FUNCTIONS, SEQUENCES) IN SCHEMA airlock, or on the schema itself.
  if (kind === 'GrantStmt' && (node.targtype === 'ACL_TARGET_ALL_IN_SCHEMA' || node.objtype === 'OBJECT_SCHEMA')) {
    const objects: readonly WrappedNode[] = node.objects ?? [];
    const schema = objects.find((object) => isAirlockSchema(object.String?.sval));
    if (schema) return `privileges IN SCHEMA ${schema.String!.sval}`;
  }
  if (kind === 'AlterObjectSchemaStmt' && isAirlockSchema(String(node.newschema ?? ''))) return `SET SCHEMA ${String(node.newschema)}`;
  if (kind === 'AlterDefaultPrivilegesStmt') {
    const options: readonly WrappedNode[] = node.options ?? [];
    for (const option of options) {
      if (option.DefElem?.defname === 'schemas') {
        const schemas: WrappedNode | undefined = option.DefElem.arg;
        const items: readonly WrappedNode[] = schemas?.List?.items ?? [];
        const schema = items.find((item) => isAirlockSchema(item.String?.sval));
        if (schema) return `IN SCHEMA ${schema.String!.sval}`;
      }
    }
  }
  if ((kind === 'CommentStmt' && node.objtype === 'OBJECT_SCHEMA') || (kind === 'AlterOwnerStmt' && node.objectType === 'OBJECT_SCHEMA')) {
    const schemaObject: WrappedNode | undefined = node.object;
    if (isAirlockSchema(schemaObject?.String?.sval)) return schemaObject!.String!.sval;
  }
  // The relation the statement itself creates, changes or locks (INSERT and the like are airlock-backups' and airlock-state's).
  const moveOutOfTrash = kind === 'AlterObjectSchemaStmt' && node.relation?.schemaname === 'airlock_trash';
  const readsOnly = (kind === 'CopyStmt' && !node.is_from) || kind === 'SelectStmt' || kind === 'ExplainStmt';
  if (!moveOutOfTrash && !readsOnly) {
    // Fields several kinds share, read on whatever kind this is.
    const fields = node as Fields;
    for (const field of TARGETS) {
      const relation = fields[field] as RangeVar | undefined;
      if (relation?.relname && isAirlockSchema(relation.schemaname)) return `${relation.schemaname}.${relation.relname}`;
    }
    for (const item of (fields.relations ?? []) as readonly WrappedNode[]) {
      if (item.RangeVar?.relname && isAirlockSchema(item.RangeVar.schemaname)) return `${item.RangeVar.schemaname}.${item.RangeVar.relname}`;
    }
  }
  return undefined;
}

/**
 * Airlock's schemas hold its approvals, audit trail, ledger, checkpoints and
 * backups, and the functions and triggers that guard them (the audit hash
 * chain). Whatever resolves there is never changed through Airlock: by a
 * qualified name, through a search_path the text sets itself, or through
 * the connection's own search_path (looked up in the target).
 */
export const airlockObjects: Rule = {
  name: 'airlock-objects',
  tier: 'forbidden',
  message:
    "this reaches Airlock's own schemas (airlock, airlock_backup, airlock_trash) by a function, type, trigger, rule, sequence or view, or through search_path: Airlock's state and the functions that guard it are never changed through Airlock",
  check(statement) {
    const { kind, node, script, facts } = statement;
    for (const change of facts.searchPathChanges) {
      if ('unknown' in change) return { detail: `search_path set to ${change.unknown}` };
      if ('to' in change) {
        const own = change.to.find((schema) => isAirlockSchema(schema));
        if (own) return { detail: `search_path set to include ${own}` };
      }
    }
    const named = airlockNames(statement);
    if (named) return { detail: named };
    // SELECT … FOR UPDATE on Airlock's tables locks its approvals and ledger rows: Airlock itself would wait.
    if (kind === 'SelectStmt' && node.lockingClause) {
      const locked = [...facts.tables].find((table) => isAirlockSchema(table.split('.')[0]));
      if (locked) return { detail: `${locked} FOR UPDATE/SHARE` };
    }
    // Through search_path, as the target resolves it.
    const { catalogue, searchPath } = script;
    if (!catalogue) return false;
    const writes = !(kind === 'SelectStmt' && !node.intoClause && !node.lockingClause) && kind !== 'ExplainStmt';
    if (writes) {
      for (const relation of facts.unqualifiedRelations) {
        const schema = lookUpRelation(catalogue, searchPath, relation);
        if (isAirlockSchema(schema ?? undefined)) return { detail: `${relation.name} resolves to ${schema}.${relation.name} through search_path` };
      }
    }
    for (const call of facts.invocations) {
      if (call.schema) continue;
      const own = (lookUpFunction(catalogue, searchPath, call, call.args) ?? []).find((fn) => isAirlockSchema(fn.schema));
      if (own) return { detail: `${call.name}() resolves to ${own.schema}.${own.name} through search_path` };
    }
    if (createsUnqualified(kind, node)) {
      const schema = lookUpCreationSchema(catalogue, searchPath);
      if (isAirlockSchema(schema ?? undefined)) return { detail: `an unqualified name is created in ${schema}, the first schema of search_path` };
    }
    return false;
  },
};
