import { parseSql } from '../sql/parse-sql.ts';

/**
 * A smoke query runs after every change, unattended: it must be a plain read.
 * `COPY … TO` a file writes on the server even in a READ ONLY transaction
 * (issue 14, hole 9), and a locking or SELECT INTO read is not plain either.
 * Pure; needs the parser loaded. Undefined when the query is a plain SELECT.
 */
export const SMOKE_QUERY_NOT_PLAIN = 'smoke-query-not-plain-read';

export function smokeQueryRefusal(sql: string): string | undefined {
  const parsed = parseSql(sql);
  if (!parsed.ok) return `${SMOKE_QUERY_NOT_PLAIN}: it does not parse`;
  if (parsed.statements.length !== 1) return `${SMOKE_QUERY_NOT_PLAIN}: one statement, not ${parsed.statements.length}`;
  const [statement] = parsed.statements;
  if (statement!.kind !== 'SelectStmt') return `${SMOKE_QUERY_NOT_PLAIN}: it is ${statement!.kind}, not a SELECT`;
  const node = statement!.node as { intoClause?: unknown; lockingClause?: unknown[] };
  if (node.intoClause) return `${SMOKE_QUERY_NOT_PLAIN}: SELECT … INTO creates a table`;
  if (node.lockingClause?.length) return `${SMOKE_QUERY_NOT_PLAIN}: FOR UPDATE/SHARE locks rows`;
  return undefined;
}
