import { quoteQualified } from './names.ts';

/**
 * Facts about what a statement defines now and what will run later: the
 * functions it calls (as written, case kept: `"Count"` is not `count`), the
 * objects it creates or replaces, the function a trigger will run, the
 * relations it names without a schema, and the `search_path` it sets. Pure:
 * the classify step looks these up in the target's catalogue (see
 * src/pipeline/target-lookup.ts) and hands the answers back as a
 * `TargetCatalogue`, which the rules read.
 */

export type Node = Record<string, unknown>;

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

type NameList = { String?: { sval?: string } }[];

export function nameParts(list: unknown): string[] {
  return ((list ?? []) as NameList).map((part) => part.String?.sval ?? '');
}

function written(parts: string[]): WrittenName {
  const name = parts[parts.length - 1] ?? '';
  return parts.length >= 2 ? { schema: parts[parts.length - 2]!, name } : { name };
}

function relationName(relation: unknown): WrittenName | undefined {
  const rv = relation as { schemaname?: string; relname?: string } | undefined;
  if (!rv?.relname) return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

/** A constant string argument (`'search_path'`), or undefined when it is an expression. */
export function constantText(node: unknown): string | undefined {
  const constant = (node as { A_Const?: { sval?: { sval?: string }; isnull?: boolean } } | undefined)?.A_Const;
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
export function searchPathOfSet(set: Node): SearchPathChange | undefined {
  if (set.name !== 'search_path') return undefined;
  if (set.kind === 'VAR_SET_DEFAULT' || set.kind === 'VAR_RESET' || set.kind === 'VAR_RESET_ALL') return { reset: true };
  if (set.kind === 'VAR_SET_CURRENT') return undefined; // a function's SET search_path FROM CURRENT keeps the path in force
  if (set.kind !== 'VAR_SET_VALUE') return { unknown: String(set.kind) };
  // Each item is one schema, already folded by the parser (`'a, b'` is one schema named "a, b": search_path quotes its items).
  const values = ((set.args ?? []) as unknown[]).map((arg) => constantText(arg));
  if (values.some((value) => value === undefined)) return { unknown: 'a value that is not a constant' };
  return { to: values as string[] };
}

/** `set_config('search_path', 'a, b', …)`: undefined when the call sets something else. */
export function searchPathOfSetConfig(call: Node): SearchPathChange | undefined {
  const name = nameParts(call.funcname);
  if (name[name.length - 1] !== 'set_config' || (name.length === 2 && name[0] !== 'pg_catalog')) return undefined;
  const [setting, value] = (call.args ?? []) as unknown[];
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
      const change = searchPathOfSet(child);
      if (change) changes.push(change);
    } else if (key === 'FuncCall') {
      const change = searchPathOfSetConfig(child);
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
    const parts = nameParts(child.funcname);
    if (parts.length === 0) return;
    calls.push({ ...written(parts), args: child.agg_star ? 0 : ((child.args ?? []) as unknown[]).length });
  });
  return calls;
}

/** Relations named without a schema (CTE names left out): they resolve through search_path. */
export function unqualifiedRelations(root: Node): WrittenName[] {
  const ctes = new Set<string>();
  const found = new Map<string, WrittenName>();
  walk(root, (key, child) => {
    if (key === 'CommonTableExpr' && typeof child.ctename === 'string') ctes.add(child.ctename);
    const relation = key === 'RangeVar' || key === 'relation' || key === 'view' || key === 'sequence' || key === 'rel' ? relationName(child) : undefined;
    if (relation && !relation.schema) found.set(relation.name, relation);
  });
  return [...found.values()].filter((relation) => !ctes.has(relation.name));
}

/** `schema.type` text of a parameter's TypeName, for to_regprocedure. */
function typeText(typeName: unknown): string {
  const type = typeName as { names?: NameList; arrayBounds?: unknown[]; pct_type?: boolean } | undefined;
  return `${quoteQualified(nameParts(type?.names))}${type?.arrayBounds?.length ? '[]' : ''}`;
}

/** The input argument types of a CREATE FUNCTION (IN, INOUT and VARIADIC parameters, as regprocedure counts them). */
function inputArgTypes(parameters: unknown): string[] {
  return ((parameters ?? []) as { FunctionParameter?: { argType?: unknown; mode?: string } }[])
    .map((parameter) => parameter.FunctionParameter)
    .filter((parameter) => parameter && !['FUNC_PARAM_OUT', 'FUNC_PARAM_TABLE'].includes(String(parameter.mode)))
    .map((parameter) => typeText(parameter!.argType));
}

/** What a `CREATE OR REPLACE …` statement may overwrite; empty when it replaces nothing. */
export function replacedObjects(kind: string, node: Node): ReplacedObject[] {
  if (!node.replace) return [];
  if (kind === 'CreateFunctionStmt') {
    return [{ kind: node.is_procedure ? 'procedure' : 'function', ...written(nameParts(node.funcname)), argTypes: inputArgTypes(node.parameters) }];
  }
  if (kind === 'ViewStmt') {
    const view = relationName(node.view);
    return view ? [{ kind: 'view', ...view }] : [];
  }
  const on = relationName(node.relation);
  if (kind === 'RuleStmt' && on && typeof node.rulename === 'string') return [{ kind: 'rule', name: node.rulename, on }];
  if (kind === 'CreateTrigStmt' && on && typeof node.trigname === 'string') return [{ kind: 'trigger', name: node.trigname, on }];
  return [];
}

/** The function a CREATE TRIGGER or CREATE EVENT TRIGGER will run. */
export function triggerFunction(kind: string, node: Node): WrittenName | undefined {
  if (kind !== 'CreateTrigStmt' && kind !== 'CreateEventTrigStmt') return undefined;
  const parts = nameParts(node.funcname);
  return parts.length ? written(parts) : undefined;
}

// Statements that create an object in the first schema of search_path when its name has no schema.
const CREATES: Record<string, (node: Node) => boolean> = {
  CreateStmt: (node) => !relationName(node.relation)?.schema,
  CreateTableAsStmt: (node) => !relationName((node.into as Node | undefined)?.rel)?.schema,
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
export function createsUnqualified(kind: string, node: Node): boolean {
  if (kind === 'SelectStmt') return Boolean(node.intoClause) && !relationName((node.intoClause as Node).rel)?.schema;
  return CREATES[kind]?.(node) ?? false;
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
