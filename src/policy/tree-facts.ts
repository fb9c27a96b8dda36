import type { FunctionCall } from './catalogue/functions.ts';

/** What one walk over a statement's parse tree learns, for the rules to read. */
export interface TreeFacts {
  /** Schema-qualified tables named anywhere in the statement (CTE names left out). */
  tables: Set<string>;
  /** Functions called anywhere, as written (`count`, `public.count`, `Count` when it was quoted). */
  functions: Set<string>;
  /** The same calls with their schema, as PostgreSQL resolves the name (quoted names keep their case). */
  calls: FunctionCall[];
  /** Operators used anywhere (`=`, `||`, `OPERATOR(public.===)`), with their schema when qualified. */
  operators: FunctionCall[];
  /** Every node kind in the tree (`ColumnRef`, `FuncCall`…) but nested data-modifying statements, which are judged on their own. */
  nodeKinds: Set<string>;
  /** Data-modifying statements nested inside this one (in CTEs). */
  nestedDml: { kind: string; node: Record<string, unknown> }[];
}

const DML_KINDS = new Set(['DeleteStmt', 'UpdateStmt', 'InsertStmt', 'MergeStmt']);
// A_Expr kinds whose `name` is an operator PostgreSQL looks up (BETWEEN's is a keyword).
const OPERATOR_EXPRESSIONS = new Set([
  'AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL', 'AEXPR_DISTINCT', 'AEXPR_NOT_DISTINCT', 'AEXPR_NULLIF', 'AEXPR_IN',
  'AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR',
]);

export function qualifiedName(schema: unknown, name: string): string {
  return `${typeof schema === 'string' && schema ? schema : 'public'}.${name}`;
}

/** `[schema.]name` parts of a function or operator name; more than two parts (a database) are kept as the schema. */
function nameParts(parts: unknown): FunctionCall | undefined {
  const names = ((parts ?? []) as { String?: { sval?: string } }[]).map((part) => part.String?.sval);
  const name = names.at(-1);
  if (typeof name !== 'string') return undefined;
  if (names.length === 1) return { name };
  return { schema: names.slice(0, -1).join('.'), name };
}

function display(call: FunctionCall): string {
  return call.schema === undefined ? call.name : `${call.schema}.${call.name}`;
}

// Node kinds start with a capital letter (`SelectStmt`, `A_Const`); fields do not.
function isNodeKind(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90;
}

export function gatherFacts(root: Record<string, unknown>): TreeFacts {
  const facts: TreeFacts = { tables: new Set(), functions: new Set(), calls: [], operators: [], nodeKinds: new Set(), nestedDml: [] };
  const cteNames = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === 'object') stack.push(item);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    const node = value as Record<string, unknown>;
    // A RangeVar, wrapped or bare (DELETE's `relation` is bare).
    if (typeof node.relname === 'string') facts.tables.add(qualifiedName(node.schemaname, node.relname));
    for (const key in node) {
      const child = node[key];
      if (!child || typeof child !== 'object') continue;
      // SELECT … INTO's clause is a bare struct, not a wrapped node: named here so it is judged like one.
      if (key === 'intoClause') facts.nodeKinds.add('IntoClause');
      if (isNodeKind(key)) {
        if (key === 'FuncCall') {
          const call = nameParts((child as { funcname?: unknown }).funcname);
          if (call) {
            facts.calls.push(call);
            facts.functions.add(display(call));
          }
        } else if (key === 'A_Expr') {
          const expression = child as { kind?: string; name?: unknown };
          if (OPERATOR_EXPRESSIONS.has(String(expression.kind))) {
            const operator = nameParts(expression.name);
            if (operator) facts.operators.push(operator);
          }
        } else if (key === 'CommonTableExpr') {
          const name = (child as { ctename?: string }).ctename;
          if (name) cteNames.add(name);
        }
        // A data-modifying statement inside is judged as a statement of its own (at least a write).
        if (DML_KINDS.has(key)) {
          if (child !== root) facts.nestedDml.push({ kind: key, node: child as Record<string, unknown> });
        } else {
          facts.nodeKinds.add(key);
        }
      }
      stack.push(child);
    }
  }
  for (const cte of cteNames) facts.tables.delete(`public.${cte}`);
  return facts;
}
