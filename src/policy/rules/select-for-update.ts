import type { Rule } from './rule.ts';

export const selectForUpdate: Rule = {
  name: 'select-for-update',
  kinds: new Set(['SelectStmt']),
  tier: 'write',
  message: 'SELECT … FOR UPDATE/SHARE locks the rows it reads and blocks writers until the transaction ends: drop the locking clause for a plain read',
  check: ({ kind, node }) => kind === 'SelectStmt' && Boolean(node.lockingClause),
};
