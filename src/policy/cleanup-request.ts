import { parseSql } from './parse-sql.ts';
import { classifyStatement } from './classify.ts';

/**
 * A cleanup (`--table T --where PREDICATE`) becomes one DELETE; in `archive`
 * mode the rows are first copied into `T_archive` (created like T when it is
 * not there, plus the thread that archived them and when). The predicate is
 * checked as SQL first: it must be one filter on one table, with no second
 * statement, no subquery that writes, and no function that might.
 */
export type CleanupMode = 'delete' | 'archive';

export type CleanupPlan =
  | { ok: true; table: string; predicate: string; sql: string; archiveTable?: string }
  | { ok: false; error: string; code?: 'parse-error' };

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Where archive mode puts a table's rows: `<schema>.<table>_archive`. */
export function archiveTableFor(table: string): string {
  const [schema, name] = table.split('.') as [string, string];
  return `${schema}.${name}_archive`;
}

/** The statements that move the rows into the archive table, tagged with the thread that moved them. */
function archiveStatements(table: string, predicate: string, threadId: string): string {
  const [schema, name] = table.split('.') as [string, string];
  const source = `${quote(schema)}.${quote(name)}`;
  const archive = `${quote(schema)}.${quote(`${name}_archive`)}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${archive} (LIKE ${source} INCLUDING DEFAULTS, airlock_thread_id text NOT NULL, airlock_archived_at timestamptz NOT NULL DEFAULT now());`,
    `INSERT INTO ${archive} SELECT ${source}.*, '${threadId.replace(/'/g, "''")}' FROM ${source} WHERE (${predicate});`,
  ].join('\n');
}

function qualifiedTable(relation: { schemaname?: string; relname?: string }): string {
  return `${relation.schemaname || 'public'}.${relation.relname}`;
}

/** Needs the parser loaded (`await loadSqlParser()`). */
export function planCleanup(table: string, predicate: string, mode: CleanupMode = 'delete', threadId = ''): CleanupPlan {
  if (!predicate.trim()) return { ok: false, error: '--where is empty: a cleanup needs the filter that picks its rows' };
  const probe = parseSql(`SELECT 1 FROM ${table} WHERE (${predicate})`);
  if (!probe.ok) return { ok: false, code: 'parse-error', error: `--table/--where do not parse as SQL: ${probe.error}` };
  if (probe.statements.length !== 1) return { ok: false, error: '--where must be one filter, not several statements' };
  const [statement] = probe.statements;
  const select = statement!.node as {
    fromClause?: { RangeVar?: { schemaname?: string; relname?: string } }[];
    whereClause?: unknown;
    op?: string;
    limitCount?: unknown;
    groupClause?: unknown;
  };
  const from = select.fromClause ?? [];
  if (statement!.kind !== 'SelectStmt' || from.length !== 1 || !from[0]?.RangeVar || select.op !== 'SETOP_NONE' || select.limitCount || select.groupClause) {
    return { ok: false, error: '--table must name one table and --where must be a plain filter on it' };
  }
  const verdict = classifyStatement(statement!);
  if (verdict.tier !== 'read') {
    return {
      ok: false,
      error: `--where must only read (it is ${verdict.tier}: ${verdict.rules.join(', ')}): no subqueries that write and no functions that might`,
    };
  }
  const qualified = qualifiedTable(from[0].RangeVar);
  const remove = `DELETE FROM ${table} WHERE (${predicate});`;
  // The statement that will run must be exactly one DELETE of that table, whatever the filter's text did.
  const check = parseSql(remove);
  const only = check.ok && check.statements.length === 1 ? check.statements[0] : undefined;
  const relation = only?.kind === 'DeleteStmt' ? (only.node.relation as { schemaname?: string; relname?: string }) : undefined;
  if (!relation || qualifiedTable(relation) !== qualified) {
    return { ok: false, error: '--where must be a filter on the table, and nothing else' };
  }
  if (mode === 'delete') return { ok: true, table: qualified, predicate, sql: remove };
  const sql = `${archiveStatements(qualified, predicate, threadId)}\n${remove}`;
  const archived = parseSql(sql);
  if (!archived.ok || archived.statements.map((statement) => statement.kind).join(',') !== 'CreateStmt,InsertStmt,DeleteStmt') {
    return { ok: false, error: '--where must be a filter on the table, and nothing else' };
  }
  return { ok: true, table: qualified, predicate, sql, archiveTable: archiveTableFor(qualified) };
}
