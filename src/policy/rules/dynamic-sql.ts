import type { Rule } from './rule.ts';

export const dynamicSql: Rule = {
  name: 'dynamic-sql',
  kinds: new Set(['ExecuteStmt', 'DoStmt', 'CreateFunctionStmt']),
  tier: 'destructive',
  message: 'this runs SQL built at run time (EXECUTE of a string, a prepared statement from elsewhere, a body Airlock cannot read), so nobody can review what it does: write the statements out',
  check({ kind, node, routine, script }) {
    if (kind === 'ExecuteStmt') return !script.preparedNames.has(String(node.name)) && { detail: `EXECUTE ${String(node.name)}` };
    if (!routine) return false;
    if (routine.error) return { detail: `body does not parse: ${routine.error}` };
    return routine.dynamic.length > 0 && { detail: `EXECUTE ${routine.dynamic[0]}` };
  },
};
