import type { Rule } from './rule.ts';

export const renamingTable: Rule = {
  name: 'renaming-table',
  kinds: new Set(['RenameStmt']),
  tier: 'destructive',
  message: 'renaming a table breaks every running client that uses the old name: create a view with the old name, or rename in a release that no longer uses it',
  check: ({ kind, node }) => kind === 'RenameStmt' && node.renameType !== 'OBJECT_COLUMN' && { detail: String(node.renameType).replace('OBJECT_', '') },
};
