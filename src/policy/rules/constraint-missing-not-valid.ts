import { alterCommands, onNewTable, type Rule } from './rule.ts';

export const constraintMissingNotValid: Rule = {
  name: 'constraint-missing-not-valid',
  kinds: new Set(['AlterTableStmt']),
  tier: 'write',
  message: 'adding a CHECK or FOREIGN KEY constraint checks every row while holding its lock: add it NOT VALID, then VALIDATE CONSTRAINT in a separate migration',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    return alterCommands(statement.node).some((command) => {
      const constraint = (command.def as { Constraint?: Record<string, unknown> } | undefined)?.Constraint;
      return (
        command.subtype === 'AT_AddConstraint' &&
        (constraint?.contype === 'CONSTR_CHECK' || constraint?.contype === 'CONSTR_FOREIGN') &&
        !constraint.skip_validation
      );
    });
  },
};
