import type { Rule } from './rule.ts';

// Whether the index is unique (or backs a primary key) is not in the text, so
// every DROP INDEX is treated as dropping what keeps duplicates out.
export const banDropIndex: Rule = {
  name: 'ban-drop-index',
  kinds: new Set(['DropStmt']),
  tier: 'destructive',
  message: 'DROP INDEX may drop a unique or primary-key index, and with it what keeps duplicate rows out (the text cannot say which): check it is not unique and keep its definition',
  check: ({ kind, node }) => kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX',
};
