import { onNewTable, type Rule } from './rule.ts';

// Judged by the effect: rows a DELETE removes are gone for the application,
// however well it is filtered, so it is destructive (and backed up, measured,
// approved with a token) wherever it appears, in a CTE or a routine body too.
// Rows of a table the same text creates were never anyone's to read.
export const deleteRemovesRows: Rule = {
  name: 'delete-removes-rows',
  kinds: new Set(['DeleteStmt']),
  tier: 'destructive',
  message: 'DELETE removes rows for good: the application no longer sees them, so it is approved like any destructive change, with its blast radius and a backup',
  check: (statement) => statement.kind === 'DeleteStmt' && !onNewTable(statement),
};
