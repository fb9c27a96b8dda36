import type {
  CommonTableExpr,
  CreateEventTrigStmt,
  CreateFunctionStmt,
  CreateTrigStmt,
  FuncCall,
  RangeVar,
  RuleStmt,
  SelectStmt,
  TypeName,
  VariableSetStmt,
  ViewStmt,
} from '@pgsql/types';
import { quoteQualified } from './names.ts';
import type { Fields, NodeKind, NodeOf, WrappedNode } from './tree.ts';

/**
 * Facts about what a statement defines now and what will run later: the
 * functions it calls (as written, case kept: `"Count"` is not `count`), the
 * objects it creates or replaces, the function a trigger will run, the
 * relations it names without a schema, and the `search_path` it sets. Pure:
 * the classify step looks these up in the target's catalogue (see
 * src/pipeline/target-lookup.ts) and hands the answers back as a
 * `TargetCatalogue`, which the rules read.
 */

/** An unwrapped node of any kind, as the walk hands it. */
export type Node = Fields;

export interface WrittenName {
  /** As written; undefined when the name is unqualified (it resolves through search_path). */
  schema?: string;
  name: string;
}

export interface CalledFunction extends WrittenName {
  args: number;
}

export type DefinitionKind = 'function' | 'procedure' | 'view' | 'rule' | 'trigger';

export interface ReplacedObject extends WrittenName {
  kind: DefinitionKind;
  /** A rule's or trigger's table. */
  on?: WrittenName;
  /** A function's or procedure's input argument types, as `schema.type` / `type[]` text for regprocedure. */
  argTypes?: string[];
}

/** How a statement changes search_path for the statements after it. */
export type SearchPathChange = { to: string[] } | { reset: true } | { unknown: string };

/** null: the connection's own search_path; 'unknown': set to something only known at run time. */
export type SearchPath = string[] | null | 'unknown';

/** The parts of a qualified name (`funcname`, `names`, a List's items), as strings. */
export function nameParts(list: readonly WrappedNode[] | undefined): string[] {
  return (list ?? []).map((part) => part.String?.sval ?? '');
}

function written(parts: string[]): WrittenName {
  const name = parts[parts.length - 1] ?? '';
  return parts.length >= 2 ? { schema: parts[parts.length - 2]!, name } : { name };
}

function relationName(rv: RangeVar | undefined): WrittenName | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

/** A constant string argument (`'search_path'`), or undefined when it is an expression. */
export function constantText(node: WrappedNode | undefined): string | undefined {
  const constant = node?.A_Const;
  if (!constant) return undefined;
  return constant.sval ? (constant.sval.sval ?? '') : undefined;
}

/**
 * A search_path value as PostgreSQL reads it (`a, "B", $user`): a list of
 * identifiers, unquoted ones folded to lower case. A small tokenizer of the
 * setting's own list syntax, not of SQL.
 */
export function searchPathValue(value: string): string[] {
  const schemas: string[] = [];
  let index = 0;
  while (index < value.length) {
    while (index < value.length && (value[index] === ' ' || value[index] === ',' || value[index] === '\t' || value[index] === '\n')) index += 1;
    if (index >= value.length) break;
    let schema = '';
    if (value[index] === '"') {
      index += 1;
      while (index < value.length) {
        if (value[index] === '"' && value[index + 1] === '"') {
          schema += '"';
          index += 2;
        } else if (value[index] === '"') {
          index += 1;
          break;
        } else schema += value[index++];
      }
    } else {
      while (index < value.length && value[index] !== ',' && value[index] !== ' ' && value[index] !== '\t' && value[index] !== '\n') schema += value[index++];
      schema = schema.toLowerCase();
    }
    schemas.push(schema);
    while (index < value.length && value[index] !== ',') index += 1;
  }
  return schemas;
}

/** A `SET [LOCAL] search_path …` / `RESET search_path`, bare or wrapped (ALTER ROLE … SET, a function's SET clause). */
export function searchPathOfSet(set: VariableSetStmt): SearchPathChange | undefined {
  if (set.name !== 'search_path') return undefined;
  if (set.kind === 'VAR_SET_DEFAULT' || set.kind === 'VAR_RESET' || set.kind === 'VAR_RESET_ALL') return { reset: true };
  if (set.kind === 'VAR_SET_CURRENT') return undefined; // a function's SET search_path FROM CURRENT keeps the path in force
  if (set.kind !== 'VAR_SET_VALUE') return { unknown: String(set.kind) };
  // Each item is one schema, already folded by the parser (`'a, b'` is one schema named "a, b": search_path quotes its items).
  const values = (set.args ?? []).map((arg) => constantText(arg));
  if (values.some((value) => value === undefined)) return { unknown: 'a value that is not a constant' };
  return { to: values as string[] };
}

/** `set_config('search_path', 'a, b', …)`: undefined when the call sets something else. */
export function searchPathOfSetConfig(call: FuncCall): SearchPathChange | undefined {
  const name = nameParts(call.funcname);
  if (name[name.length - 1] !== 'set_config' || (name.length === 2 && name[0] !== 'pg_catalog')) return undefined;
  const [setting, value] = call.args ?? [];
  const settingName = constantText(setting);
  if (settingName === undefined) return { unknown: 'set_config of a setting named at run time' };
  if (settingName.trim().toLowerCase() !== 'search_path') return undefined;
  const text = constantText(value);
  return text === undefined ? { unknown: 'set_config(search_path, a value computed at run time)' } : { to: searchPathValue(text) };
}

/** Every search_path change anywhere in a tree (SET, set_config, ALTER ROLE/DATABASE … SET, a function's SET clause). */
export function searchPathChanges(root: Node): SearchPathChange[] {
  const changes: SearchPathChange[] = [];
  walk(root, (key, child) => {
    if (key === 'VariableSetStmt' || key === 'setstmt') {
      const change = searchPathOfSet(child as VariableSetStmt);
      if (change) changes.push(change);
    } else if (key === 'FuncCall') {
      const change = searchPathOfSetConfig(child as FuncCall);
      if (change) changes.push(change);
    }
  });
  return changes;
}

/** Depth-first over every `{ Key: node }` pair of a parse tree, without recursion (deep trees do not overflow). */
export function walk(root: unknown, visit: (key: string, node: Node) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    const node = value as Node;
    for (const key in node) {
      const child = node[key];
      if (!child || typeof child !== 'object') continue;
      if (!Array.isArray(child)) visit(key, child as Node);
      stack.push(child);
    }
  }
}

/** The functions a tree calls, as written. */
export function calledFunctions(root: Node): CalledFunction[] {
  const calls: CalledFunction[] = [];
  walk(root, (key, child) => {
    if (key !== 'FuncCall' && key !== 'funccall') return; // funccall: CALL's procedure
    const call = child as FuncCall;
    const parts = nameParts(call.funcname);
    if (parts.length === 0) return;
    calls.push({ ...written(parts), args: call.agg_star ? 0 : (call.args ?? []).length });
  });
  return calls;
}

/** Relations named without a schema (CTE names left out): they resolve through search_path. */
export function unqualifiedRelations(root: Node): WrittenName[] {
  const ctes = new Set<string>();
  const found = new Map<string, WrittenName>();
  walk(root, (key, child) => {
    if (key === 'CommonTableExpr') {
      const { ctename } = child as CommonTableExpr;
      if (typeof ctename === 'string') ctes.add(ctename);
    }
    const relation = key === 'RangeVar' || key === 'relation' || key === 'view' || key === 'sequence' || key === 'rel' ? relationName(child as RangeVar) : undefined;
    if (relation && !relation.schema) found.set(relation.name, relation);
  });
  return [...found.values()].filter((relation) => !ctes.has(relation.name));
}

/** `schema.type` text of a parameter's TypeName, for to_regprocedure. */
function typeText(type: TypeName | undefined): string {
  return `${quoteQualified(nameParts(type?.names))}${type?.arrayBounds?.length ? '[]' : ''}`;
}

/** The input argument types of a CREATE FUNCTION (IN, INOUT and VARIADIC parameters, as regprocedure counts them). */
function inputArgTypes(parameters: readonly WrappedNode[] | undefined): string[] {
  return (parameters ?? [])
    .map((parameter) => parameter.FunctionParameter)
    .filter((parameter) => parameter && !['FUNC_PARAM_OUT', 'FUNC_PARAM_TABLE'].includes(String(parameter.mode)))
    .map((parameter) => typeText(parameter!.argType));
}

/** What a `CREATE OR REPLACE …` statement may overwrite; empty when it replaces nothing. */
export function replacedObjects(kind: string, node: object): ReplacedObject[] {
  if (!(node as CreateFunctionStmt | ViewStmt | RuleStmt | CreateTrigStmt).replace) return [];
  if (kind === 'CreateFunctionStmt') {
    const fn = node as CreateFunctionStmt;
    return [{ kind: fn.is_procedure ? 'procedure' : 'function', ...written(nameParts(fn.funcname)), argTypes: inputArgTypes(fn.parameters) }];
  }
  if (kind === 'ViewStmt') {
    const view = relationName((node as ViewStmt).view);
    return view ? [{ kind: 'view', ...view }] : [];
  }
  if (kind === 'RuleStmt') {
    const rule = node as RuleStmt;
    const on = relationName(rule.relation);
    return on && typeof rule.rulename === 'string' ? [{ kind: 'rule', name: rule.rulename, on }] : [];
  }
  if (kind === 'CreateTrigStmt') {
    const trigger = node as CreateTrigStmt;
    const on = relationName(trigger.relation);
    return on && typeof trigger.trigname === 'string' ? [{ kind: 'trigger', name: trigger.trigname, on }] : [];
  }
  return [];
}

/** The function a CREATE TRIGGER or CREATE EVENT TRIGGER will run. */
export function triggerFunction(kind: string, node: object): WrittenName | undefined {
  if (kind !== 'CreateTrigStmt' && kind !== 'CreateEventTrigStmt') return undefined;
  const parts = nameParts((node as CreateTrigStmt | CreateEventTrigStmt).funcname);
  return parts.length ? written(parts) : undefined;
}

// Statements that create an object in the first schema of search_path when its name has no schema.
// Each judges a node of its own kind (the key).
const CREATES: { [K in NodeKind]?: (node: NodeOf<K>) => boolean } = {
  CreateStmt: (node) => !relationName(node.relation)?.schema,
  CreateTableAsStmt: (node) => !relationName(node.into?.rel)?.schema,
  ViewStmt: (node) => !relationName(node.view)?.schema,
  CreateSeqStmt: (node) => !relationName(node.sequence)?.schema,
  CreateFunctionStmt: (node) => nameParts(node.funcname).length < 2,
  DefineStmt: (node) => nameParts(node.defnames).length < 2,
  CompositeTypeStmt: (node) => !relationName(node.typevar)?.schema,
  CreateEnumStmt: (node) => nameParts(node.typeName).length < 2,
  CreateDomainStmt: (node) => nameParts(node.domainname).length < 2,
  CreateRangeStmt: (node) => nameParts(node.typeName).length < 2,
};

/** Does the statement create an object without naming its schema (so it lands in the first schema of search_path)? */
export function createsUnqualified(kind: string, node: object): boolean {
  if (kind === 'SelectStmt') {
    const { intoClause } = node as SelectStmt;
    return Boolean(intoClause) && !relationName(intoClause!.rel)?.schema;
  }
  const creates = CREATES[kind as NodeKind] as ((node: object) => boolean) | undefined;
  return creates?.(node) ?? false;
}

export function pathKey(path: SearchPath): string {
  return path === null ? '' : path === 'unknown' ? '?' : JSON.stringify(path);
}

/** Apply a statement's changes to the search_path in force. */
export function nextSearchPath(current: SearchPath, changes: SearchPathChange[]): SearchPath {
  let path = current;
  for (const change of changes) {
    if ('reset' in change) path = null;
    else if ('unknown' in change) path = 'unknown';
    else path = change.to;
  }
  return path;
}
