import { alterCommands, onNewTable, type Rule } from './rule.ts';

export const constraintMissingNotValid: Rule = {
  name: 'constraint-missing-not-valid',
  kinds: new Set(['AlterTableStmt']),
  tier: 'write',
  message: 'adding a CHECK or FOREIGN KEY constraint checks every row while holding its lock: add it NOT VALID, then VALIDATE CONSTRAINT in a separate migration',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    for (const command of alterCommands(statement.node)) {
      const constraint = command.def?.Constraint;
      if (
        command.subtype === 'AT_AddConstraint' &&
        (constraint?.contype === 'CONSTR_CHECK' || constraint?.contype === 'CONSTR_FOREIGN') &&
        !constraint.skip_validation
      ) {
        return true;
      }
      // Airlock runs the whole text in one transaction: validating what it added NOT VALID keeps the ADD's lock all along.
      if (command.subtype === 'AT_ValidateConstraint' && command.name && statement.script.notValidConstraints.has(command.name)) {
        return { detail: `VALIDATE CONSTRAINT ${command.name} in the same migration as its ADD … NOT VALID` };
      }
    }
    return false;
  },
};
