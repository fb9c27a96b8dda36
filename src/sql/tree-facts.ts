import type { A_Expr, CommonTableExpr, FuncCall, RangeVar, VariableSetStmt } from '@pgsql/types';
import type { FunctionCall } from './catalogue/functions.ts';
import {
  constantText,
  nameParts as listedParts,
  searchPathOfSet,
  searchPathOfSetConfig,
  type CalledFunction,
  type SearchPathChange,
  type WrittenName,
} from './definitions.ts';
import { READ_NODE_KINDS } from './statement-kinds.ts';
import { qualifiedName } from './names.ts';
import type { WrappedNode } from './tree.ts';

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
  /** The first node kind in the tree (nested data-modifying statements aside, which are judged on their own) that is not on the read allow-list. */
  notReadKind: string | undefined;
  /** Data-modifying statements nested inside this one (in CTEs). */
  nestedDml: { kind: string; node: Record<string, unknown> }[];
  /** Calls with their argument counts, CALL's procedure included; the schema is the part before the name. */
  invocations: CalledFunction[];
  /** `nextval('s.q')`-style calls: the function's name and its constant first argument. */
  constantFirstArguments: { name: string; first: string }[];
  /** Qualified names (two parts or more) of the objects the statement defines, changes, calls or types with. */
  qualifiedNames: string[][];
  /** Relations named without a schema (CTE names left out): they resolve through search_path. */
  unqualifiedRelations: WrittenName[];
  /** Every search_path change (SET, set_config, ALTER ROLE/DATABASE … SET, a function's SET clause), in order of the walk. */
  searchPathChanges: SearchPathChange[];
}

// Fields under which a parse tree holds an object's qualified name as a list of parts
// (functions called or defined, types, domains, operators, trigger functions…).
const NAME_FIELDS = new Set(['funcname', 'objname', 'defnames', 'names', 'domainname', 'typeName', 'collname', 'opname', 'conversion_name']);

const DML_KINDS = new Set(['DeleteStmt', 'UpdateStmt', 'InsertStmt', 'MergeStmt']);
// A_Expr kinds whose `name` is an operator PostgreSQL looks up (BETWEEN's is a keyword).
const OPERATOR_EXPRESSIONS = new Set([
  'AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL', 'AEXPR_DISTINCT', 'AEXPR_NOT_DISTINCT', 'AEXPR_NULLIF', 'AEXPR_IN',
  'AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR',
]);

/** `[schema.]name` parts of a function or operator name; more than two parts (a database) are kept as the schema. */
function nameParts(parts: readonly WrappedNode[] | undefined): FunctionCall | undefined {
  const names = (parts ?? []).map((part) => part.String?.sval);
  const name = names.at(-1);
  if (typeof name !== 'string') return undefined;
  if (names.length === 1) return { name };
  return { schema: names.slice(0, -1).join('.'), name };
}

function display(call: FunctionCall): string {
  return call.schema === undefined ? call.name : `${call.schema}.${call.name}`;
}

function invocation(call: FuncCall): CalledFunction | undefined {
  const parts = listedParts(call.funcname);
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1]!;
  const args = call.agg_star ? 0 : (call.args ?? []).length;
  return parts.length >= 2 ? { schema: parts[parts.length - 2]!, name, args } : { name, args };
}

/**
 * One walk over a statement's tree, without recursion (deep trees do not
 * overflow), collecting everything the rules and the classify engine read
 * about it. The rules read these facts rather than walking the tree again:
 * one walk per statement is what keeps classifying near the parser's speed.
 */
export function gatherFacts(root: Record<string, unknown>, kind?: string): TreeFacts {
  const facts: TreeFacts = {
    tables: new Set(),
    functions: new Set(),
    calls: [],
    operators: [],
    notReadKind: undefined,
    nestedDml: [],
    invocations: [],
    constantFirstArguments: [],
    qualifiedNames: [],
    unqualifiedRelations: [],
    searchPathChanges: [],
  };
  if (kind === 'VariableSetStmt') pushChange(facts, searchPathOfSet(root as VariableSetStmt));
  // Made when first needed: most statements have no CTE, and many no relation.
  let cteNames: Set<string> | undefined;
  const unqualified = new Map<string, WrittenName>();
  const stack: Record<string, unknown>[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    // A RangeVar, wrapped or bare (DELETE's `relation` is bare).
    if (typeof node.relname === 'string') facts.tables.add(qualifiedName(node.schemaname, node.relname));
    for (const key in node) {
      const child = node[key];
      if (typeof child !== 'object' || child === null) continue;
      if (Array.isArray(child)) {
        if (child.length >= 2 && NAME_FIELDS.has(key)) facts.qualifiedNames.push(listedParts(child));
        for (let index = 0; index < child.length; index++) {
          const item: unknown = child[index];
          if (typeof item === 'object' && item !== null) stack.push(item as Record<string, unknown>);
        }
        continue;
      }
      const inner = child as Record<string, unknown>;
      stack.push(inner);
      const first = key.charCodeAt(0);
      // Node kinds start with a capital letter (`SelectStmt`, `A_Const`); fields do not.
      // The key names what the node is (a kind, or a field of a known type): it is read as that.
      if (first < 65 || first > 90) {
        if (key === 'relation' || key === 'view' || key === 'sequence' || key === 'rel') noteUnqualified(unqualified, inner as RangeVar);
        // SELECT … INTO's clause is a bare struct, not a wrapped node: named here so it is judged like one.
        else if (key === 'intoClause') facts.notReadKind ??= 'IntoClause'; // never a read
        else if (key === 'setstmt') pushChange(facts, searchPathOfSet(inner as VariableSetStmt));
        else if (key === 'funccall') pushInvocation(facts, inner as FuncCall); // CALL's procedure
        continue;
      }
      switch (key) {
        case 'FuncCall': {
          const funcCall = inner as FuncCall;
          const call = nameParts(funcCall.funcname);
          if (call) {
            facts.calls.push(call);
            facts.functions.add(display(call));
          }
          pushInvocation(facts, funcCall);
          pushChange(facts, searchPathOfSetConfig(funcCall));
          break;
        }
        case 'A_Expr': {
          const expression = inner as A_Expr;
          if (OPERATOR_EXPRESSIONS.has(String(expression.kind))) {
            const operator = nameParts(expression.name);
            if (operator) facts.operators.push(operator);
          }
          break;
        }
        case 'RangeVar':
          noteUnqualified(unqualified, inner as RangeVar);
          break;
        case 'CommonTableExpr': {
          const { ctename } = inner as CommonTableExpr;
          if (typeof ctename === 'string' && ctename) (cteNames ??= new Set()).add(ctename);
          break;
        }
        case 'VariableSetStmt':
          pushChange(facts, searchPathOfSet(inner as VariableSetStmt));
          break;
      }
      // A data-modifying statement inside is judged as a statement of its own (at least a write).
      if (DML_KINDS.has(key)) {
        if (child !== root) facts.nestedDml.push({ kind: key, node: inner });
      } else {
        if (facts.notReadKind === undefined && !READ_NODE_KINDS.has(key)) facts.notReadKind = key;
      }
    }
  }
  for (const cte of cteNames ?? []) {
    facts.tables.delete(`public.${cte}`);
    unqualified.delete(cte);
  }
  facts.unqualifiedRelations = [...unqualified.values()];
  return facts;
}

function noteUnqualified(unqualified: Map<string, WrittenName>, relation: RangeVar): void {
  if (typeof relation.relname === 'string' && !relation.schemaname) unqualified.set(relation.relname, { name: relation.relname });
}

function pushChange(facts: TreeFacts, change: SearchPathChange | undefined): void {
  if (change) facts.searchPathChanges.push(change);
}

function pushInvocation(facts: TreeFacts, call: FuncCall): void {
  const called = invocation(call);
  if (!called) return;
  facts.invocations.push(called);
  const first = constantText((call.args ?? [])[0]);
  if (first !== undefined) facts.constantFirstArguments.push({ name: called.name, first });
}
