import type { DeleteStmt, SelectStmt } from '@pgsql/types';
import { parseSql } from '../sql/parse-sql.ts';
import { classifyStatement } from './classify.ts';
import { deparseSync } from 'pgsql-deparser';
import { sameTree, statementSql } from '../sql/deparse.ts';
import { BLAST_RADIUS_UNMEASURED, rowChangeOf, type RangeVar, type RowChange } from './row-change.ts';
import { UNSTABLE_PREDICATE, unstablePredicate } from './stable-predicate.ts';
import { quoteIdentifier as quote, relationName as qualifiedTable, splitQualified } from '../sql/names.ts';
import { ok, refused, refusedWith, type Result } from '../contracts/result.ts';
import type { WrappedNode } from '../sql/tree.ts';

/**
 * A cleanup (`--table T --where PREDICATE`) becomes one DELETE; in `archive`
 * mode the rows are first copied into `T_archive` (created like T when it is
 * not there, plus the thread that archived them and when). The predicate is
 * checked as SQL first: it must be one filter on one table, with no second
 * statement, no subquery that writes, and no function that might.
 */
export type CleanupMode = 'delete' | 'archive';

export interface CleanupPlan {
  table: string;
  predicate: string;
  sql: string;
  archiveTable?: string;
  /** The DELETE as a parse tree: what execution runs (with its backup taken from the effect). */
  statement: { kind: 'DeleteStmt'; node: Record<string, unknown> };
  /** The queries that measure it, built from that tree. */
  change: RowChange;
}

/** The check that refused a filter, by name. */
export type CleanupRefusalCode =
  | 'empty-filter'
  | 'parse-error'
  | 'one-filter-only'
  | 'plain-filter-only'
  | typeof UNSTABLE_PREDICATE
  | 'filter-must-only-read'
  | 'filter-not-checkable'
  | typeof BLAST_RADIUS_UNMEASURED
  | 'filter-escapes-table';

/** Where archive mode puts a table's rows: `<schema>.<table>_archive`. */
export function archiveTableFor(table: string): string {
  const [schema, name] = splitQualified(table);
  return `${schema}.${name}_archive`;
}

const str = (sval: string) => ({ String: { sval } });

/** The statements that move the rows into the archive table, tagged with the thread that moved them: built as trees. */
function archiveStatements(relation: RangeVar, where: unknown, threadId: string): string {
  const archive = { ...relation, relname: `${relation.relname}_archive` };
  const source = [relation.schemaname!, relation.relname!];
  // No filter in it, only names Airlock quotes itself (pgsql-deparser 18.3 drops a qualified LIKE table's name).
  const create = `CREATE TABLE IF NOT EXISTS ${quote(archive.schemaname!)}.${quote(archive.relname!)} (LIKE ${quote(relation.schemaname!)}.${quote(
    relation.relname!,
  )} INCLUDING DEFAULTS, airlock_thread_id text NOT NULL, airlock_archived_at timestamptz NOT NULL DEFAULT now())`;
  const insert = {
    InsertStmt: {
      relation: archive,
      selectStmt: {
        SelectStmt: {
          targetList: [
            { ResTarget: { val: { ColumnRef: { fields: [...source.map(str), { A_Star: {} }] } } } },
            { ResTarget: { val: { A_Const: { sval: { sval: threadId } } } } },
          ],
          fromClause: [{ RangeVar: relation }],
          whereClause: where,
          limitOption: 'LIMIT_OPTION_DEFAULT',
          op: 'SETOP_NONE',
        },
      },
      override: 'OVERRIDING_NOT_SET',
    },
  };
  return `${create};\n${statementSql(insert)};`;
}


/** Needs the parser loaded (`await loadSqlParser()`). */
export function planCleanup(table: string, predicate: string, mode: CleanupMode = 'delete', threadId = ''): Result<CleanupPlan, CleanupRefusalCode> {
  if (!predicate.trim()) return refused('empty-filter', '--where is empty: a cleanup needs the filter that picks its rows');
  const probe = parseSql(`SELECT 1 FROM ${table} WHERE (${predicate})`);
  if (!probe.ok) return refused('parse-error', `--table/--where do not parse as SQL: ${probe.error}`);
  if (probe.statements.length !== 1) return refused('one-filter-only', '--where must be one filter, not several statements');
  const [statement] = probe.statements;
  // The probe is built to parse as one SELECT; the check below makes sure it did.
  const select = statement!.node as SelectStmt;
  const from: readonly WrappedNode[] = select.fromClause ?? [];
  if (statement!.kind !== 'SelectStmt' || from.length !== 1 || !from[0]?.RangeVar || select.op !== 'SETOP_NONE' || select.limitCount || select.groupClause) {
    return refused('plain-filter-only', '--table must name one table and --where must be a plain filter on it');
  }
  // First, so that the reason given is this one even for functions the classifier also refuses (nextval()).
  const unstable = unstablePredicate(select.whereClause);
  if (unstable) return refusedWith(unstable);
  const verdict = classifyStatement(statement!);
  if (verdict.tier !== 'read') {
    return refused(
      'filter-must-only-read',
      `--where must only read (it is ${verdict.tier}: ${verdict.rules.join(', ')}): no subqueries that write and no functions that might`,
    );
  }
  const qualified = qualifiedTable(from[0].RangeVar);
  // Built from the tree, never by splicing the filter's text (a trailing -- comment would swallow the rest).
  const { location: _location, ...written } = from[0].RangeVar;
  const target: RangeVar = { ...written, schemaname: written.schemaname || 'public' };
  const node = { relation: target, whereClause: select.whereClause };
  let remove: string;
  try {
    remove = `${statementSql({ DeleteStmt: node })};`;
  } catch (error) {
    return refused('filter-not-checkable', `--where cannot be turned into a DELETE Airlock can check: ${(error as Error).message}`);
  }
  const measured = rowChangeOf({ kind: 'DeleteStmt', node });
  if (!measured?.ok) return refused(BLAST_RADIUS_UNMEASURED, `--where cannot be measured: ${measured?.refusal.message ?? 'no table'}`);
  const deleteTree = { kind: 'DeleteStmt' as const, node };
  // The statement that will run must be exactly one DELETE of that table, whatever the filter's text did.
  const check = parseSql(remove);
  const only = check.ok && check.statements.length === 1 ? check.statements[0] : undefined;
  const relation = only?.kind === 'DeleteStmt' ? (only.node as DeleteStmt).relation : undefined;
  if (!relation || qualifiedTable(relation) !== qualified) {
    return refused('filter-escapes-table', '--where must be a filter on the table, and nothing else');
  }
  if (mode === 'delete') return ok({ table: qualified, predicate, sql: remove, statement: deleteTree, change: measured.value });
  const sql = `${archiveStatements(target, select.whereClause, threadId)}\n${remove}`;
  const archived = parseSql(sql);
  if (!archived.ok || archived.statements.map((statement) => statement.kind).join(',') !== 'CreateStmt,InsertStmt,DeleteStmt') {
    return refused('filter-escapes-table', '--where must be a filter on the table, and nothing else');
  }
  return ok({ table: qualified, predicate, sql, archiveTable: archiveTableFor(qualified), statement: deleteTree, change: measured.value });
}

/**
 * The filter a reviewer's edit of a cleanup gives: the WHERE of one plain
 * `DELETE FROM <the cleanup's table> [WHERE …]` (what the approval shows, so
 * what a reviewer edits in Studio), or else the text itself, taken as the new
 * `--where`. Either way the result is checked again from prepare on, like any
 * filter: text that is neither fails there (fail closed). A DELETE without a
 * WHERE picks every row, so its filter is `true`, which the cap then judges.
 * Needs the parser loaded.
 */
export function cleanupFilterOfEdit(edited: string, table: string): string {
  const parsed = parseSql(edited);
  const [only] = parsed.ok && parsed.statements.length === 1 ? parsed.statements : [];
  if (only?.kind !== 'DeleteStmt') return edited;
  const node = only.node as DeleteStmt;
  if (!node.relation || qualifiedTable(node.relation) !== table || node.usingClause || node.withClause) return edited;
  if (!node.whereClause) return 'true';
  const filter = deparseSync(node.whereClause);
  // The filter must mean exactly what the reviewer wrote (the deparser has bugs): else the DELETE's text, which prepare refuses.
  const again = parseSql(`SELECT 1 FROM ${table} WHERE (${filter})`);
  const whereAgain = again.ok && again.statements.length === 1 ? (again.statements[0]!.node as SelectStmt).whereClause : undefined;
  return sameTree(whereAgain, node.whereClause) ? filter : edited;
}
