import type { Rule } from './rule.ts';

// INSERT … ON CONFLICT DO UPDATE is an UPDATE of every row it conflicts with:
// the rule's name in the verdict marks it as a statement that changes existing
// rows, so it gets a blast radius like an UPDATE.
export const onConflictDoUpdate: Rule = {
  name: 'on-conflict-do-update',
  kinds: new Set(['InsertStmt']),
  tier: 'write',
  message: 'INSERT … ON CONFLICT DO UPDATE overwrites every existing row it conflicts with, like an UPDATE: its blast radius is the rows that conflict',
  check: ({ kind, node }) =>
    kind === 'InsertStmt' && node.onConflictClause?.action === 'ONCONFLICT_UPDATE',
};
