import { alterCommands, onNewTable, type Rule } from './rule.ts';

export const addingForeignKeyConstraint: Rule = {
  name: 'adding-foreign-key-constraint',
  kinds: new Set(['AlterTableStmt']),
  tier: 'write',
  message: 'adding a foreign key scans the table and holds SHARE ROW EXCLUSIVE locks on both tables, blocking writes to each: add it NOT VALID, then VALIDATE CONSTRAINT separately',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    return alterCommands(statement.node).some((command) => {
      const constraint = (command.def as { Constraint?: Record<string, unknown> } | undefined)?.Constraint;
      return command.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN' && !constraint.skip_validation;
    });
  },
};
