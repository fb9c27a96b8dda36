import type { WrappedNode } from '../../sql/tree.ts';
import type { Rule } from './rule.ts';

export const mergeDelete: Rule = {
  name: 'merge-delete',
  kinds: new Set(['MergeStmt']),
  // Rows it deletes are gone like a DELETE's: judged by the effect, not by the statement's name.
  tier: 'destructive',
  message: 'MERGE … THEN DELETE deletes every matched row, like a DELETE: check how many rows the join matches before running it',
  check: ({ kind, node }) =>
    kind === 'MergeStmt' &&
    (node.mergeWhenClauses ?? []).some((clause: WrappedNode) => clause.MergeWhenClause?.commandType === 'CMD_DELETE'),
};
