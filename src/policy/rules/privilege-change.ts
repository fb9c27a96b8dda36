import { alterCommands, type Rule } from './rule.ts';

const PRIVILEGE_STATEMENTS = new Set([
  'GrantStmt', 'GrantRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'CreateRoleStmt', 'DropRoleStmt',
  'AlterDefaultPrivilegesStmt', 'ReassignOwnedStmt', 'DropOwnedStmt', 'AlterOwnerStmt',
]);

export const privilegeChange: Rule = {
  name: 'privilege-change',
  kinds: new Set([...PRIVILEGE_STATEMENTS, 'AlterSystemStmt', 'VariableSetStmt', 'AlterTableStmt']),
  tier: 'destructive',
  message: 'this changes who may do what (GRANT, REVOKE, roles, SET ROLE, ALTER SYSTEM): access changes go through your access process, not a migration',
  check({ kind, node }) {
    if (kind === 'AlterSystemStmt') return { tier: 'forbidden', detail: 'ALTER SYSTEM changes the whole server' };
    if (kind === 'VariableSetStmt') return node.name === 'role' || node.name === 'session_authorization';
    if (kind === 'AlterTableStmt') return alterCommands(node).some((command) => command.subtype === 'AT_ChangeOwner');
    return PRIVILEGE_STATEMENTS.has(kind);
  },
};
