import type { Rule } from './rule.ts';

export const selectInto: Rule = {
  name: 'select-into',
  kinds: new Set(['SelectStmt']),
  tier: 'write',
  message: 'SELECT … INTO creates a table; it is not a read: use CREATE TABLE … AS if that is what you mean',
  check: ({ kind, node }) => kind === 'SelectStmt' && Boolean(node.intoClause),
};
