import { alterCommands, columnConstraints, onNewTable, type Rule } from './rule.ts';

export const addingNotNullableField: Rule = {
  name: 'adding-not-nullable-field',
  kinds: new Set(['AlterTableStmt']),
  tier: 'destructive',
  message: 'a NOT NULL column without a default fails on a non-empty table and breaks inserts from code that does not know it; SET NOT NULL scans the table under ACCESS EXCLUSIVE: add a CHECK (col IS NOT NULL) NOT VALID constraint, VALIDATE it, then SET NOT NULL',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    for (const command of alterCommands(statement.node)) {
      if (command.subtype === 'AT_SetNotNull') return { tier: 'write', detail: `SET NOT NULL on ${command.name}` };
      if (command.subtype === 'AT_AddColumn') {
        const constraints = columnConstraints(command.def).map((constraint) => constraint.contype);
        if (constraints.includes('CONSTR_NOTNULL') && !constraints.includes('CONSTR_DEFAULT')) return true;
      }
    }
    return false;
  },
};
