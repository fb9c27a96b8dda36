import type { Rule } from './rule.ts';

export const banTruncate: Rule = {
  name: 'ban-truncate',
  kinds: new Set(['TruncateStmt']),
  tier: 'destructive',
  message: 'TRUNCATE removes every row at once, outside the reach of row-level triggers, under an ACCESS EXCLUSIVE lock: DELETE in batches with a WHERE, or back the table up first',
  check: ({ kind }) => kind === 'TruncateStmt',
};
