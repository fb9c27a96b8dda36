import { alterCommands, type Rule } from './rule.ts';

export const banDropConstraint: Rule = {
  name: 'ban-drop-constraint',
  kinds: new Set(['AlterTableStmt', 'AlterDomainStmt']),
  tier: 'destructive',
  message: 'dropping a constraint lets bad data in from that moment on, and re-adding it later fails if any arrived: make sure nothing relies on it',
  check({ kind, node }) {
    // ALTER DOMAIN … DROP CONSTRAINT is subtype 'X'; DROP NOT NULL drops a constraint too.
    if (kind === 'AlterDomainStmt') return (node.subtype === 'X' || node.subtype === 'N') && { detail: 'DOMAIN' };
    if (kind !== 'AlterTableStmt') return false;
    const dropped = alterCommands(node).find((command) => command.subtype === 'AT_DropConstraint' || command.subtype === 'AT_DropNotNull');
    return dropped !== undefined && { detail: dropped.subtype === 'AT_DropNotNull' ? `NOT NULL on ${dropped.name ?? '?'}` : (dropped.name ?? 'constraint') };
  },
};
