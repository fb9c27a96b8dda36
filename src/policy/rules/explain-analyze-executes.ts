import type { Rule } from './rule.ts';

function isAnalyze(options: unknown): boolean {
  return ((options ?? []) as { DefElem?: { defname?: string; arg?: unknown } }[]).some(
    ({ DefElem }) => DefElem?.defname === 'analyze' && !/"(false|off)"|"boolval":\{\}/.test(JSON.stringify(DefElem.arg ?? '')),
  );
}

export function explainRunsItsQuery(node: Record<string, unknown>): boolean {
  return isAnalyze(node.options);
}

export const explainAnalyzeExecutes: Rule = {
  name: 'explain-analyze-executes',
  tier: 'write',
  message: 'EXPLAIN ANALYZE runs the statement for real (plain EXPLAIN does not): use plain EXPLAIN, or wrap it in a transaction you roll back',
  check({ kind, node }) {
    if (kind !== 'ExplainStmt' || !isAnalyze(node.options)) return false;
    const inner = Object.keys((node.query ?? {}) as object)[0];
    return inner !== undefined && inner !== 'SelectStmt';
  },
};
