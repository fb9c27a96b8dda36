import type { Rule } from './rule.ts';

export const deleteWithoutWhere: Rule = {
  name: 'delete-without-where',
  kinds: new Set(['DeleteStmt']),
  tier: 'destructive',
  message: 'DELETE without WHERE removes every row of the table: add the WHERE you mean, and check its count first',
  check: ({ kind, node }) => kind === 'DeleteStmt' && !node.whereClause,
};
