import { alterCommands, type Rule } from './rule.ts';

export const banDropConstraint: Rule = {
  name: 'ban-drop-constraint',
  kinds: new Set(['AlterTableStmt']),
  tier: 'destructive',
  message: 'dropping a constraint lets bad data in from that moment on, and re-adding it later fails if any arrived: make sure nothing relies on it',
  check: ({ kind, node }) => kind === 'AlterTableStmt' && alterCommands(node).some((command) => command.subtype === 'AT_DropConstraint'),
};
