import { scanSync } from 'libpg-query';
import type { ParsedStatement } from './parse-sql.ts';

/**
 * The rows a DELETE or UPDATE picks, as the pieces of a SELECT that picks the
 * same rows: the dry-run counts them read-only, without running the statement.
 * Cut from the statement's own text at the clause keywords the real Postgres
 * scanner finds at the top level (never inside parentheses).
 */
export interface DmlTarget {
  /** `schema.name` as written (unqualified: `name`), for messages. */
  name: string;
  /** The table, quoted, resolved by the search_path like the statement itself. */
  table: string;
  /** FROM list: the table (ONLY, alias) and for DELETE … USING / UPDATE … FROM the joined items. */
  from: string;
  /** How the FROM list names the table (its alias, or the table). */
  ref: string;
  where: string | undefined;
  join: boolean;
  withClause: string | undefined;
}

interface RangeVar {
  schemaname?: string;
  relname?: string;
  inh?: boolean;
  alias?: { aliasname?: string };
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

interface Token {
  start: number;
  end: number;
  text: string;
  keywordKind: number;
}

/** Top-level keyword tokens (outside any parentheses), by upper-case text. */
function topLevelKeywords(text: string): { keyword: string; start: number; end: number; previous: string }[] {
  const tokens = scanSync(text).tokens as Token[];
  const found = [];
  let depth = 0;
  let previous = '';
  for (const token of tokens) {
    if (token.text === '(' || token.text === '[') depth += 1;
    else if (token.text === ')' || token.text === ']') depth -= 1;
    else if (depth === 0 && token.keywordKind !== 0) found.push({ keyword: token.text.toUpperCase(), start: token.start, end: token.end, previous });
    previous = token.text.toUpperCase();
  }
  return found;
}

/** Needs the parser loaded. Undefined for anything the dry-run cannot measure read-only. */
export function dmlTarget(statement: ParsedStatement): DmlTarget | undefined {
  if (statement.kind !== 'DeleteStmt' && statement.kind !== 'UpdateStmt') return undefined;
  const node = statement.node as {
    relation?: RangeVar;
    whereClause?: Record<string, unknown>;
    usingClause?: unknown[];
    fromClause?: unknown[];
    withClause?: { ctes?: { CommonTableExpr?: { ctequery?: Record<string, unknown> } }[] };
  };
  const relation = node.relation;
  if (!relation?.relname) return undefined;
  // A CTE that writes cannot run in the dry-run's read-only transaction.
  if (node.withClause?.ctes?.some((cte) => !('SelectStmt' in (cte.CommonTableExpr?.ctequery ?? {})))) return undefined;
  if (node.whereClause && 'CurrentOfExpr' in node.whereClause) return undefined;

  // Scanner offsets are bytes: cut the text as bytes.
  const bytes = Buffer.from(statement.text.replace(/;\s*$/, ''), 'utf8');
  const cut = (from: number, to: number = bytes.length) => bytes.subarray(from, to).toString('utf8').trim();
  const keywords = topLevelKeywords(bytes.toString('utf8'));
  const verb = statement.kind === 'DeleteStmt' ? 'DELETE' : 'UPDATE';
  const verbAt = keywords.findIndex((k) => k.keyword === verb);
  if (verbAt < 0) return undefined;
  const after = keywords.slice(verbAt + 1);
  const at = (keyword: string, from = 0) => after.slice(from).find((k) => k.keyword === keyword);
  const returning = at('RETURNING');
  const end = returning?.start ?? bytes.length;
  const where = after.find((k) => k.keyword === 'WHERE' && k.start < end);
  // DELETE FROM t USING …   /   UPDATE t SET … FROM …
  const setAt = after.findIndex((k) => k.keyword === 'SET');
  // (`a IS DISTINCT FROM b` in a SET is not the FROM clause.)
  const joinKeyword = !(node.usingClause?.length || node.fromClause?.length)
    ? undefined
    : verb === 'DELETE'
      ? after.find((k) => k.keyword === 'USING')
      : after.slice(Math.max(setAt, 0)).find((k) => k.keyword === 'FROM' && k.previous !== 'DISTINCT');
  const joinEnd = where?.start ?? end;
  const joined = joinKeyword && joinKeyword.start < joinEnd ? cut(joinKeyword.end, joinEnd) : undefined;

  const table = `${relation.schemaname ? `${quote(relation.schemaname)}.` : ''}${quote(relation.relname)}`;
  const alias = relation.alias?.aliasname ? quote(relation.alias.aliasname) : undefined;
  const self = `${relation.inh ? '' : 'ONLY '}${table}${alias ? ` AS ${alias}` : ''}`;
  return {
    name: `${relation.schemaname ? `${relation.schemaname}.` : ''}${relation.relname}`,
    table,
    from: joined ? `${self}, ${joined}` : self,
    ref: alias ?? table,
    where: where ? cut(where.end, end) : undefined,
    join: Boolean(joined),
    withClause: node.withClause ? cut(0, keywords[verbAt]!.start) : undefined,
  };
}
