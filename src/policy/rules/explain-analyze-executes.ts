import type { ExplainStmt } from '@pgsql/types';
import type { WrappedNode } from '../../sql/tree.ts';
import type { Rule } from './rule.ts';

/** `ANALYZE`, `ANALYZE true`, `ANALYZE on` run the statement; `ANALYZE false`/`off` do not. */
function isAnalyze(options: readonly WrappedNode[] | undefined): boolean {
  return (options ?? []).some(
    ({ DefElem }) => {
      if (DefElem?.defname !== 'analyze') return false;
      const arg: WrappedNode | undefined = DefElem.arg;
      if (!arg) return true;
      const text = arg.String?.sval ?? arg.Boolean?.boolval;
      if (arg.Integer) return Boolean(arg.Integer.ival);
      return !(text === 'false' || text === 'off' || text === '0' || (arg.Boolean && !arg.Boolean.boolval));
    },
  );
}

export function explainRunsItsQuery(node: ExplainStmt): boolean {
  return isAnalyze(node.options);
}

export const explainAnalyzeExecutes: Rule = {
  name: 'explain-analyze-executes',
  kinds: new Set(['ExplainStmt']),
  tier: 'write',
  message: 'EXPLAIN ANALYZE runs the statement for real (plain EXPLAIN does not): use plain EXPLAIN, or wrap it in a transaction you roll back',
  check({ kind, node }) {
    if (kind !== 'ExplainStmt' || !isAnalyze(node.options)) return false;
    const inner = Object.keys(node.query ?? {})[0];
    return inner !== undefined && inner !== 'SelectStmt';
  },
};
