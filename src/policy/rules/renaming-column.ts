import type { Rule } from './rule.ts';

export const renamingColumn: Rule = {
  name: 'renaming-column',
  kinds: new Set(['RenameStmt']),
  tier: 'destructive',
  message: 'renaming a column breaks every running client that uses the old name: add the new column, write to both, move readers, then drop the old one',
  check: ({ kind, node }) => kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN',
};
