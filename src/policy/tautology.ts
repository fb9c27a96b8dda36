import type { NullTest } from '@pgsql/types';
import type { NodeKind, NodeOf, WrappedNode } from '../sql/tree.ts';

/**
 * Is a WHERE clause one that filters nothing? `WHERE true`, `1 = 1`,
 * `x IS NULL OR x IS NOT NULL`, `NOT false`, `'a' = 'a'`… A DELETE with such a
 * filter is a DELETE of every row, whatever it looks like.
 * Decided from the parse tree; anything not provably constant-true is a filter.
 */

type Constant = boolean | number | string | null;
const UNKNOWN = Symbol('unknown');

/** A wrapped node's kind and fields: comparing the kind narrows the fields. */
type Entry = { [K in NodeKind]: [kind: K, node: NodeOf<K>] }[NodeKind];

function only(value: unknown): Entry | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value);
  return entries.length === 1 ? (entries[0] as Entry) : undefined;
}

/** The value of a constant expression, or UNKNOWN. Protobuf JSON omits defaults: `{}` is false/0/''. */
function constantOf(expression: unknown): Constant | typeof UNKNOWN {
  const entry = only(expression);
  if (!entry) return UNKNOWN;
  const [kind, node] = entry;
  if (kind === 'A_Const') {
    if (node.isnull) return null;
    if ('boolval' in node) return Boolean(node.boolval!.boolval);
    if ('ival' in node) return Number(node.ival!.ival ?? 0);
    if ('fval' in node) return Number(node.fval!.fval ?? 0);
    if ('sval' in node) return String(node.sval!.sval ?? '');
    return UNKNOWN;
  }
  if (kind === 'TypeCast') {
    const inner = constantOf(node.arg);
    const typeNames: readonly WrappedNode[] = node.typeName?.names ?? [];
    const names = typeNames.map((n) => n.String?.sval);
    if (inner !== UNKNOWN && (names.includes('bool') || names.includes('boolean'))) {
      if (typeof inner === 'string') return ['t', 'true', 'y', 'yes', 'on', '1'].includes(inner.toLowerCase());
      if (typeof inner === 'number') return inner !== 0;
    }
    return inner;
  }
  if (kind === 'BoolExpr' || kind === 'A_Expr' || kind === 'NullTest' || kind === 'BooleanTest' || kind === 'SubLink') {
    const truth = truthOf(expression);
    return truth === UNKNOWN ? UNKNOWN : truth;
  }
  return UNKNOWN;
}

function compare(operator: string, left: Constant, right: Constant): boolean | typeof UNKNOWN {
  if (left === null || right === null) return UNKNOWN; // NULL comparisons are not true
  const l = typeof left === 'boolean' ? Number(left) : left;
  const r = typeof right === 'boolean' ? Number(right) : right;
  switch (operator) {
    case '=': return l === r;
    case '<>':
    case '!=': return l !== r;
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    case '>=': return l >= r;
    default: return UNKNOWN;
  }
}

/** Structural equality of two parse trees, ignoring where in the text they stand. */
function sameExpression(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => key !== 'location');
  if (keys.length !== Object.keys(right).filter((key) => key !== 'location').length) return false;
  return keys.every((key) => sameExpression(left[key], right[key]));
}

/** true when the expression is true for every row; UNKNOWN when we cannot tell; false when constant false. */
function truthOf(expression: unknown): boolean | typeof UNKNOWN {
  const entry = only(expression);
  if (!entry) return UNKNOWN;
  const [kind, node] = entry;
  switch (kind) {
    case 'A_Const':
    case 'TypeCast': {
      const value = constantOf(expression);
      return typeof value === 'boolean' ? value : UNKNOWN;
    }
    case 'BoolExpr': {
      const args = node.args ?? [];
      const truths = args.map(truthOf);
      if (node.boolop === 'OR_EXPR') {
        if (truths.some((truth) => truth === true)) return true;
        // x IS NULL OR x IS NOT NULL covers every row.
        const tests = args.map((arg) => only(arg)).filter((e): e is ['NullTest', NullTest] => e?.[0] === 'NullTest').map((e) => e[1]);
        for (const a of tests) {
          for (const b of tests) {
            if (a.nulltesttype === 'IS_NULL' && b.nulltesttype === 'IS_NOT_NULL' && sameExpression(a.arg, b.arg)) return true;
          }
        }
        return truths.every((truth) => truth === false) ? false : UNKNOWN;
      }
      if (node.boolop === 'AND_EXPR') {
        if (truths.every((truth) => truth === true)) return true;
        return truths.some((truth) => truth === false) ? false : UNKNOWN;
      }
      if (node.boolop === 'NOT_EXPR') {
        const inner = truths[0];
        return inner === true ? false : inner === false ? true : UNKNOWN;
      }
      return UNKNOWN;
    }
    case 'A_Expr': {
      const names: readonly WrappedNode[] = node.name ?? [];
      const operator = names.map((n) => n.String?.sval).join('.');
      if (node.kind === 'AEXPR_OP') {
        // x = x holds for every row where x is not null: it filters nothing useful.
        if (['=', '>=', '<='].includes(operator) && sameExpression(node.lexpr, node.rexpr)) return true;
        const left = constantOf(node.lexpr);
        const right = constantOf(node.rexpr);
        if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
        return compare(operator, left, right);
      }
      return UNKNOWN;
    }
    case 'NullTest': {
      const value = constantOf(node.arg);
      if (value === UNKNOWN) return UNKNOWN;
      return node.nulltesttype === 'IS_NULL' ? value === null : value !== null;
    }
    case 'BooleanTest': {
      const value = truthOf(node.arg);
      if (value === UNKNOWN) return UNKNOWN;
      switch (node.booltesttype) {
        case 'IS_TRUE':
        case 'IS_NOT_FALSE':
          return value === true;
        case 'IS_FALSE':
        case 'IS_NOT_TRUE':
          return value === false;
        default:
          return UNKNOWN;
      }
    }
    case 'SubLink': {
      // EXISTS (SELECT <constants>) without FROM or WHERE is always true.
      const subselect: WrappedNode | undefined = node.subselect;
      const select = subselect?.SelectStmt;
      if (node.subLinkType === 'EXISTS_SUBLINK' && select && !select.fromClause && !select.whereClause) return true;
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

/** Does this WHERE clause keep every row? */
// A clause is asked about more than once per statement (the rule, then whether the statement is filtered).
const answered = new WeakMap<object, boolean>();

export function isTautology(whereClause: unknown): boolean {
  if (!whereClause || typeof whereClause !== 'object') return whereClause !== undefined && truthOf(whereClause) === true;
  let answer = answered.get(whereClause);
  if (answer === undefined) answered.set(whereClause, (answer = truthOf(whereClause) === true));
  return answer;
}
