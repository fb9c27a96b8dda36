import { parseSync } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';
import type { Node, RawStmt } from '@pgsql/types';
import type { Fields } from './tree.ts';

/**
 * SQL text from a parse tree (pgsql-deparser 18, made for libpg-query 18's
 * trees). Every query Airlock builds to measure, back up or verify an action
 * is made this way, never by splicing the user's text: a trailing `-- comment`
 * in the text would swallow whatever follows it (issue 14, hole 5).
 *
 * The deparser is checked on every use: its SQL must parse back to one
 * statement of the same kind that deparses to the same SQL again. A statement
 * it renders wrongly (it has bugs: `(CASE … END).*` loses its parentheses)
 * throws, and the caller fails closed.
 */

export class DeparseMismatch extends Error {}

/** One statement node (`{ DeleteStmt: {…} }`) as SQL, checked to parse back to the same tree. Needs the parser loaded. */
export function statementSql(statement: Fields): string {
  // Often built by hand (the measuring queries), so taken untyped: that it is shaped as a parsed node is what the re-parse below checks.
  const sql = deparseSync(statement as Node);
  let again: RawStmt[] = [];
  try {
    again = parseSync(sql).stmts ?? [];
  } catch {
    // falls through to the mismatch below
  }
  const kind = Object.keys(statement)[0];
  if (again.length !== 1 || Object.keys(again[0]!.stmt!)[0] !== kind || deparseSync(again[0]!.stmt!) !== sql) {
    throw new DeparseMismatch(`Airlock could not turn this statement back into the same SQL (${Object.keys(statement)[0]}): it cannot be measured`);
  }
  return sql;
}

/** The tree without source positions, which differ between a tree and the re-parse of its SQL. */
function withoutLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === 'location' || key === 'stmt_location' || key === 'stmt_len') continue;
    out[key] = withoutLocations((value as Record<string, unknown>)[key]);
  }
  return out;
}

/** Two trees are the same, source positions aside. */
export function sameTree(a: unknown, b: unknown): boolean {
  return JSON.stringify(withoutLocations(a)) === JSON.stringify(withoutLocations(b));
}

/**
 * A statement that will run, as SQL that parses back to exactly this tree
 * (source positions aside). For what executes, a fixed point is not enough:
 * the SQL run must be the statement reviewed, node for node. The tree must be
 * shaped as the parser shapes it (build additions by parsing a template).
 */
export function exactStatementSql(statement: Fields): string {
  const sql = statementSql(statement);
  const again = parseSync(sql).stmts ?? [];
  if (again.length !== 1 || JSON.stringify(withoutLocations(again[0]!.stmt)) !== JSON.stringify(withoutLocations(statement))) {
    throw new DeparseMismatch(`Airlock could not turn this ${Object.keys(statement)[0]} back into SQL that is exactly the same statement: it was not run`);
  }
  return sql;
}
