import type { Rule } from './rule.ts';

export const mergeDelete: Rule = {
  name: 'merge-delete',
  kinds: new Set(['MergeStmt']),
  tier: 'write',
  message: 'MERGE … THEN DELETE deletes every matched row: check how many rows the join matches before running it',
  check: ({ kind, node }) =>
    kind === 'MergeStmt' &&
    ((node.mergeWhenClauses ?? []) as { MergeWhenClause?: { commandType?: string } }[]).some(
      (clause) => clause.MergeWhenClause?.commandType === 'CMD_DELETE',
    ),
};
