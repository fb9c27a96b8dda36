import { alterCommands, columnConstraints, onNewTable, type Rule } from './rule.ts';

// squawk's adding-required-field: a new NOT NULL column that nothing fills in.
export const addingRequiredField: Rule = {
  name: 'adding-required-field',
  kinds: new Set(['AlterTableStmt']),
  tier: 'destructive',
  message: 'a NOT NULL column without a default fails on a non-empty table and breaks inserts from code that does not know it: add it with a DEFAULT, or nullable, backfill, then SET NOT NULL',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    for (const command of alterCommands(statement.node)) {
      if (command.subtype !== 'AT_AddColumn') continue;
      const constraints = columnConstraints(command.def).map((constraint) => constraint.contype);
      const filled = constraints.includes('CONSTR_DEFAULT') || constraints.includes('CONSTR_GENERATED') || constraints.includes('CONSTR_IDENTITY');
      if (constraints.includes('CONSTR_NOTNULL') && !filled) return true;
    }
    return false;
  },
};
