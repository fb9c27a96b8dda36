import { loadModule, parseSync, type SqlError } from 'libpg-query';
import type { ParseResult } from '@pgsql/types';
import type { Fields } from './tree.ts';

/**
 * The real PostgreSQL parser (libpg-query, WebAssembly). The module loads
 * once per process (about 20 ms); after that parsing is synchronous and pure.
 */
let loading: Promise<void> | undefined;
export function loadSqlParser(): Promise<void> {
  return (loading ??= loadModule());
}

export interface ParsedStatement {
  /** The node kind the parser gave, e.g. `DropStmt`. */
  kind: string;
  /** The statement's node, unwrapped (its kind's fields: see tree.ts for reading them typed). */
  node: Fields;
  /** This statement's own text, as written (comments inside it included). */
  text: string;
  /** Character offset of the statement in the submitted text. */
  location: number;
}

export type ParseOutcome =
  | { ok: true; statements: ParsedStatement[] }
  | { ok: false; error: string; line?: number; column?: number };

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Line and column (1-based) of a 0-based character offset. */
function lineAndColumn(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Parse SQL text into its statements. Requires `await loadSqlParser()` once beforehand. */
export function parseSql(sql: string): ParseOutcome {
  let raw: ParseResult;
  try {
    raw = parseSync(sql);
  } catch (error) {
    const e = error as Partial<SqlError>;
    const offset = e.sqlDetails?.cursorPosition;
    const chars = typeof offset === 'number' ? Buffer.from(sql, 'utf8').subarray(0, offset).toString('utf8').length : undefined;
    const where = chars === undefined ? undefined : lineAndColumn(sql, chars);
    return { ok: false, error: e.message ?? String(error), ...where };
  }
  // Optional in the protobuf schema only: the parser always gives `stmts`, and each of them its `stmt`.
  const stmts = raw.stmts ?? [];
  // The parser's offsets count UTF-8 bytes, not JavaScript characters; they are the same for ASCII.
  if (ASCII.test(sql)) {
    return {
      ok: true,
      statements: stmts.map(({ stmt, stmt_location = 0, stmt_len = 0 }) => {
        const wrapped: Fields = stmt!;
        const kind = Object.keys(wrapped)[0]!;
        const end = stmt_len === 0 ? sql.length : stmt_location + stmt_len;
        return { kind, node: wrapped[kind] as Fields, text: sql.slice(stmt_location, end).trim(), location: stmt_location };
      }),
    };
  }
  const bytes = Buffer.from(sql, 'utf8');
  const statements = stmts.map(({ stmt, stmt_location = 0, stmt_len = 0 }) => {
    const [kind, node] = Object.entries(stmt!)[0] as [string, Fields];
    // stmt_len 0 means "to the end of the text" (the last statement without a semicolon).
    const end = stmt_len === 0 ? bytes.length : stmt_location + stmt_len;
    const text = bytes.subarray(stmt_location, end).toString('utf8').trim();
    const location = bytes.subarray(0, stmt_location).toString('utf8').length;
    return { kind, node, text, location };
  });
  return { ok: true, statements };
}
