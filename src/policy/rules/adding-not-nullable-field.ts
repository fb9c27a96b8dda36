import { alterCommands, onNewTable, relationOf, type Rule } from './rule.ts';

export const addingNotNullableField: Rule = {
  name: 'adding-not-nullable-field',
  kinds: new Set(['AlterTableStmt']),
  tier: 'write',
  message: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes: add a CHECK (col IS NOT NULL) NOT VALID constraint, VALIDATE it, then SET NOT NULL (PostgreSQL then skips the scan)',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    const table = relationOf(statement.node);
    for (const command of alterCommands(statement.node)) {
      if (command.subtype !== 'AT_SetNotNull') continue;
      // A validated CHECK (col IS NOT NULL) proves it: PostgreSQL 12+ skips the scan (as squawk judges it).
      const proven =
        statement.script.validatedNotNull.has(`${table}.${command.name}`) ||
        (table !== undefined && statement.script.tablesWithValidatedConstraint.has(table));
      if (!proven) return { detail: `SET NOT NULL on ${command.name}` };
    }
    return false;
  },
};
