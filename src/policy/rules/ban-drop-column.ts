import { alterCommands, type Rule } from './rule.ts';

export const banDropColumn: Rule = {
  name: 'ban-drop-column',
  kinds: new Set(['AlterTableStmt']),
  tier: 'destructive',
  message: 'dropping a column destroys its data and breaks every query that still names it: stop using it in code first, back it up, then drop it',
  check: ({ kind, node }) => kind === 'AlterTableStmt' && alterCommands(node).some((command) => command.subtype === 'AT_DropColumn'),
};
