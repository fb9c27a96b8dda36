import { parsePlPgSQLSync, parseSync } from 'libpg-query';
import type { CreateFunctionStmt, DoStmt, List, ParseResult } from '@pgsql/types';
import type { WrappedNode } from '../sql/tree.ts';

/**
 * The SQL inside a DO block or a function body, so that it is classified like
 * any other SQL. PL/pgSQL is parsed with the real PL/pgSQL parser; a dynamic
 * EXECUTE whose string is a constant is unwrapped, one built at run time stays
 * opaque and is reported as such.
 */
export interface RoutineBody {
  /** SQL statements the body runs (or, for expressions, `SELECT expr`). */
  statements: string[];
  /** EXECUTE arguments whose text cannot be known before run time. */
  dynamic: string[];
  /** Statements that arrive already parsed (`BEGIN ATOMIC … END` bodies). */
  trees?: Record<string, unknown>[];
  /** The body could not be parsed. */
  error?: string;
}

type Node = Record<string, unknown>;

// The PL/pgSQL tree (parsePlPgSQLSync) has no types in @pgsql/types, which covers the SQL tree only:
// these are the two of its nodes read here, as the PL/pgSQL parser gives them.
interface PLpgSQLExpr {
  query?: string;
  /** RawParseMode: see asStatement. */
  parseMode?: number;
}
interface PLpgSQLDynamicExecute {
  query?: { PLpgSQL_expr?: PLpgSQLExpr };
}

function definitionOption(options: readonly WrappedNode[] | undefined, name: string): WrappedNode | undefined {
  for (const option of options ?? []) {
    if (option.DefElem?.defname === name) return option.DefElem.arg;
  }
  return undefined;
}

function stringOf(arg: WrappedNode | undefined): string | undefined {
  const direct = arg?.String?.sval;
  if (direct !== undefined) return direct;
  const items: readonly WrappedNode[] | undefined = arg?.List?.items;
  return items?.[0]?.String?.sval;
}

/** The string a constant expression such as `'DROP TABLE x'` or `'DROP ' || 'TABLE x'` evaluates to. */
function constantString(expression: string): string | undefined {
  let tree: ParseResult;
  try {
    tree = parseSync(`SELECT ${expression}`);
  } catch {
    return undefined;
  }
  const statement: WrappedNode | undefined = tree.stmts![0]?.stmt;
  const target: WrappedNode | undefined = statement?.SelectStmt?.targetList?.[0];
  const value = target?.ResTarget?.val;
  const evaluate = (node: WrappedNode): string | undefined => {
    const constant = node.A_Const;
    if (constant?.sval) return constant.sval.sval ?? '';
    const op = node.A_Expr;
    const operator: WrappedNode | undefined = op?.name?.[0];
    if (op && operator?.String?.sval === '||') {
      // A prefix `|| 'x'` has no left side: not a constant, so the EXECUTE is dynamic (judged unreadable).
      if (!op.lexpr || !op.rexpr) return undefined;
      const left = evaluate(op.lexpr);
      const right = evaluate(op.rexpr);
      return left !== undefined && right !== undefined ? left + right : undefined;
    }
    return undefined;
  };
  return value === undefined ? undefined : evaluate(value);
}

// PL/pgSQL expression parse modes (RawParseMode): 0 a statement, 2 an expression,
// 3-5 an assignment `target := expression`.
function asStatement(query: string, parseMode: number): string {
  if (parseMode === 0) return query;
  if (parseMode >= 3) {
    const assignment = query.indexOf(':=');
    const equals = query.indexOf('=');
    const at = assignment >= 0 ? assignment + 2 : equals >= 0 ? equals + 1 : 0;
    return `SELECT ${query.slice(at)}`;
  }
  return `SELECT ${query}`;
}

function dollarQuote(body: string): string {
  let tag = 'airlock';
  while (body.includes(`$${tag}$`)) tag += '_';
  return `$${tag}$${body}$${tag}$`;
}

/**
 * `definition` is the whole CREATE FUNCTION text when we have it: the PL/pgSQL
 * parser needs the real signature (parameter names, NEW/OLD of a trigger).
 */
function plpgsqlBody(body: string, definition?: string): RoutineBody {
  const result: RoutineBody = { statements: [], dynamic: [] };
  let tree: unknown;
  try {
    tree = parsePlPgSQLSync(definition ?? `CREATE FUNCTION airlock_routine() RETURNS void LANGUAGE plpgsql AS ${dollarQuote(body)}`);
  } catch (error) {
    return { ...result, error: (error as Error).message };
  }
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    const node = value as Node;
    for (const key in node) {
      const child = node[key];
      if (key === 'PLpgSQL_stmt_dynexecute' || key === 'PLpgSQL_stmt_dynfors') {
        const query = (child as PLpgSQLDynamicExecute).query?.PLpgSQL_expr?.query ?? '';
        const resolved = constantString(query);
        if (resolved === undefined) result.dynamic.push(query);
        else result.statements.push(resolved);
        continue; // its expression is not a statement of its own
      }
      if (key === 'PLpgSQL_expr') {
        const expr = child as PLpgSQLExpr;
        if (expr.query) result.statements.push(asStatement(expr.query, expr.parseMode ?? 0));
        continue;
      }
      if (child && typeof child === 'object') stack.push(child);
    }
  }
  return result;
}

/** The body of `DO …` or `CREATE FUNCTION …`; undefined when the statement has none we can read (e.g. C functions). */
export function routineBody(kind: string, node: object, text?: string): RoutineBody | undefined {
  if (kind === 'DoStmt') {
    const { args } = node as DoStmt;
    const body = stringOf(definitionOption(args, 'as'));
    const language = stringOf(definitionOption(args, 'language')) ?? 'plpgsql';
    if (body === undefined) return undefined;
    return language === 'plpgsql' ? plpgsqlBody(body) : { statements: [], dynamic: [body] };
  }
  if (kind === 'CreateFunctionStmt') {
    const fn = node as CreateFunctionStmt;
    const language = (stringOf(definitionOption(fn.options, 'language')) ?? 'sql').toLowerCase();
    const body = stringOf(definitionOption(fn.options, 'as'));
    if (fn.sql_body) return { statements: [], dynamic: [], ...sqlBodyFromTree(fn.sql_body) };
    if (body === undefined) return undefined;
    if (language === 'plpgsql') return plpgsqlBody(body, text);
    if (language === 'sql') return { statements: [body], dynamic: [] };
    return { statements: [], dynamic: [`${language} function body`] };
  }
  return undefined;
}

/** BEGIN ATOMIC … END bodies arrive already parsed; hand them back as trees. */
function sqlBodyFromTree(sqlBody: unknown): { trees: Node[] } {
  const trees: Node[] = [];
  const stack: unknown[] = [sqlBody];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === 'object') {
      const [key, child] = Object.entries(value as Node)[0] ?? [];
      if (key && /Stmt$/.test(key)) trees.push({ [key]: child });
      else if (key === 'List') stack.push((child as List).items ?? []);
    }
  }
  return { trees };
}
