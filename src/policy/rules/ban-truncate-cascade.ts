import type { Rule } from './rule.ts';

export const banTruncateCascade: Rule = {
  name: 'ban-truncate-cascade',
  kinds: new Set(['TruncateStmt']),
  tier: 'destructive',
  message: 'TRUNCATE … CASCADE also empties every table that references this one, however far the chain goes: name each table you mean to empty',
  check: ({ kind, node }) => kind === 'TruncateStmt' && node.behavior === 'DROP_CASCADE',
};
