import { alterCommands, onNewTable, type Rule } from './rule.ts';

export const changingColumnType: Rule = {
  name: 'changing-column-type',
  kinds: new Set(['AlterTableStmt']),
  tier: 'destructive',
  message: 'changing a column type rewrites the table under an ACCESS EXCLUSIVE lock, can lose data and breaks clients: add a new column, backfill, and switch over',
  check: (statement) =>
    statement.kind === 'AlterTableStmt' &&
    !onNewTable(statement) &&
    alterCommands(statement.node).some((command) => command.subtype === 'AT_AlterColumnType'),
};
