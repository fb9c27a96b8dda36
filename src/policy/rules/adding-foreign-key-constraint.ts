import { alterCommands, columnConstraints, onNewTable, type Rule } from './rule.ts';

export const addingForeignKeyConstraint: Rule = {
  name: 'adding-foreign-key-constraint',
  kinds: new Set(['AlterTableStmt']),
  tier: 'write',
  message: 'adding a foreign key scans the table and holds SHARE ROW EXCLUSIVE locks on both tables, blocking writes to each: add it NOT VALID, then VALIDATE CONSTRAINT separately',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    return alterCommands(statement.node).some((command) => {
      const constraint = command.def?.Constraint;
      if (command.subtype === 'AT_AddConstraint') return constraint?.contype === 'CONSTR_FOREIGN' && !constraint.skip_validation;
      // ADD COLUMN … REFERENCES adds the same foreign key, with the same locks on both tables.
      return command.subtype === 'AT_AddColumn' && columnConstraints(command.def).some((column) => column.contype === 'CONSTR_FOREIGN');
    });
  },
};
