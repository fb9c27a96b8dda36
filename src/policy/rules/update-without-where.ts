import type { Rule } from './rule.ts';

export const updateWithoutWhere: Rule = {
  name: 'update-without-where',
  kinds: new Set(['UpdateStmt']),
  tier: 'destructive',
  message: 'UPDATE without WHERE overwrites every row of the table: add the WHERE you mean, and check its count first',
  check: ({ kind, node }) => kind === 'UpdateStmt' && !node.whereClause,
};
