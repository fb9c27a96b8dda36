import type { Rule } from './rule.ts';

export const banDropTable: Rule = {
  name: 'ban-drop-table',
  kinds: new Set(['DropStmt']),
  tier: 'destructive',
  message: 'DROP TABLE destroys the table and its data for good: rename it or revoke access first, keep a backup, and drop it once nothing misses it',
  check: ({ kind, node }) => kind === 'DropStmt' && (node.removeType === 'OBJECT_TABLE' || node.removeType === 'OBJECT_FOREIGN_TABLE'),
};
