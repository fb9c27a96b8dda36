/** What one walk over a statement's parse tree learns, for the rules to read. */
export interface TreeFacts {
  /** Schema-qualified tables named anywhere in the statement (CTE names left out). */
  tables: Set<string>;
  /** Functions called anywhere, by their last name part, lower case. */
  functions: Set<string>;
  /** Data-modifying statements nested inside this one (in CTEs). */
  nestedDml: { kind: string; node: Record<string, unknown> }[];
}

const DML_KINDS = new Set(['DeleteStmt', 'UpdateStmt', 'InsertStmt', 'MergeStmt']);

export function qualifiedName(schema: unknown, name: string): string {
  return `${typeof schema === 'string' && schema ? schema : 'public'}.${name}`;
}

export function gatherFacts(root: Record<string, unknown>): TreeFacts {
  const facts: TreeFacts = { tables: new Set(), functions: new Set(), nestedDml: [] };
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
      if (key === 'FuncCall') {
        const parts = (child as { funcname?: { String?: { sval?: string } }[] }).funcname;
        const name = parts?.[parts.length - 1]?.String?.sval;
        if (name) facts.functions.add(name.toLowerCase());
      } else if (key === 'CommonTableExpr') {
        const name = (child as { ctename?: string }).ctename;
        if (name) cteNames.add(name);
      } else if (DML_KINDS.has(key) && child !== root) {
        facts.nestedDml.push({ kind: key, node: child as Record<string, unknown> });
      }
      stack.push(child);
    }
  }
  for (const cte of cteNames) facts.tables.delete(`public.${cte}`);
  return facts;
}
