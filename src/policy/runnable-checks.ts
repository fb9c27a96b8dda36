import type { AlterTableStmt, CreateTrigStmt, DropStmt, IndexStmt, RangeVar, RenameStmt, TruncateStmt } from '@pgsql/types';
import type { ParsedStatement } from '../sql/parse-sql.ts';
import type { WrappedNode } from '../sql/tree.ts';

/**
 * What the dry-run can learn, before anyone is asked, about whether a
 * statement can run against the target as it is now: a DELETE from a table
 * that is not there, or a DROP TABLE of one, would otherwise pause for
 * approval and fail only after a reviewer approved it (issue 15).
 *
 * - a statement that reads or changes rows is EXPLAINed (plain EXPLAIN plans
 *   it without running it: missing tables, columns, functions and type errors
 *   show, with Postgres's own message);
 * - DDL on existing relations (DROP without IF EXISTS, TRUNCATE, ALTER TABLE,
 *   CREATE INDEX, CREATE TRIGGER, RENAME) needs each relation to exist.
 *
 * Statements after the text's first schema change (or after it changes
 * search_path) are not checked: the target does not have it yet, and that is
 * not a mistake.
 */
export type RunnableCheck =
  | { statement: number; kind: string; check: 'explain'; node: Record<string, unknown> }
  | { statement: number; kind: string; check: 'relation'; relation: string[] };

type Node = Record<string, unknown>;

const PLANNED = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const DROPPED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);

function namesOf(relation: RangeVar | undefined): string[] | undefined {
  if (!relation?.relname) return undefined;
  return relation.schemaname ? [relation.schemaname, relation.relname] : [relation.relname];
}

function listNames(object: WrappedNode): string[] | undefined {
  const items: readonly WrappedNode[] | undefined = object.List?.items;
  const names = items?.map((item) => item.String?.sval);
  return names?.length && names.every((name): name is string => typeof name === 'string') ? names : undefined;
}

function relationsNeeded(kind: string, node: Node): string[][] {
  const one = (relation: RangeVar | undefined) => {
    const names = namesOf(relation);
    return names ? [names] : [];
  };
  switch (kind) {
    case 'DropStmt': {
      const drop = node as DropStmt;
      if (drop.missing_ok || !DROPPED_RELATIONS.has(String(drop.removeType))) return [];
      return (drop.objects ?? []).flatMap((object) => {
        const names = listNames(object);
        return names ? [names] : [];
      });
    }
    case 'TruncateStmt': {
      const relations: readonly WrappedNode[] = (node as TruncateStmt).relations ?? [];
      return relations.flatMap((relation) => one(relation.RangeVar));
    }
    case 'AlterTableStmt': {
      const alter = node as AlterTableStmt;
      return alter.missing_ok ? [] : one(alter.relation);
    }
    case 'IndexStmt':
    case 'CreateTrigStmt':
      return one((node as IndexStmt | CreateTrigStmt).relation);
    case 'RenameStmt': {
      const rename = node as RenameStmt;
      return rename.missing_ok || !rename.relation ? [] : one(rename.relation);
    }
    default:
      return [];
  }
}

/** The checks to run, statement by statement, for a parsed text. */
export function runnableChecks(statements: ParsedStatement[]): RunnableCheck[] {
  const checks: RunnableCheck[] = [];
  for (const [index, { kind, node }] of statements.entries()) {
    // Once the text points search_path elsewhere or runs code of its own, what follows may rely on it: stop.
    if (kind === 'VariableSetStmt' && String(node.name).toLowerCase() === 'search_path') break;
    if (kind === 'DoStmt' || kind === 'CreateFunctionStmt') break;
    const statement = index + 1;
    if (PLANNED.has(kind)) checks.push({ statement, kind, check: 'explain', node: { [kind]: node } });
    else for (const relation of relationsNeeded(kind, node)) checks.push({ statement, kind, check: 'relation', relation });
    // After any change to the schema (a table made, a column added, a name moved), what follows
    // may rely on it, and the target does not have it yet: stop.
    if (!PLANNED.has(kind) && kind !== 'VariableSetStmt') break;
  }
  return checks;
}
