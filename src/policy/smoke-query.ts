import type { SelectStmt } from '@pgsql/types';
import { parseSql } from '../sql/parse-sql.ts';
import { refuse, type Refusal } from '../contracts/result.ts';

/**
 * A smoke query runs after every change, unattended: it must be a plain read.
 * `COPY … TO` a file writes on the server even in a READ ONLY transaction
 * (issue 14, hole 9), and a locking or SELECT INTO read is not plain either.
 * Pure; needs the parser loaded. Undefined when the query is a plain SELECT.
 */
export const SMOKE_QUERY_NOT_PLAIN = 'smoke-query-not-plain-read';

export function smokeQueryRefusal(sql: string): Refusal<typeof SMOKE_QUERY_NOT_PLAIN> | undefined {
  const notPlain = (why: string) => refuse(SMOKE_QUERY_NOT_PLAIN, `${SMOKE_QUERY_NOT_PLAIN}: ${why}`);
  const parsed = parseSql(sql);
  if (!parsed.ok) return notPlain('it does not parse');
  if (parsed.statements.length !== 1) return notPlain(`one statement, not ${parsed.statements.length}`);
  const [statement] = parsed.statements;
  if (statement!.kind !== 'SelectStmt') return notPlain(`it is ${statement!.kind}, not a SELECT`);
  const node = statement!.node as SelectStmt;
  if (node.intoClause) return notPlain('SELECT … INTO creates a table');
  if (node.lockingClause?.length) return notPlain('FOR UPDATE/SHARE locks rows');
  return undefined;
}
