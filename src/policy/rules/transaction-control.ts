import type { Rule } from './rule.ts';

export const transactionControl: Rule = {
  name: 'transaction-control',
  kinds: new Set(['TransactionStmt']),
  tier: 'forbidden',
  message: 'BEGIN/COMMIT/ROLLBACK/SAVEPOINT inside the text would end or split the one transaction Airlock runs the migration in (a COMMIT lets the rest run unchecked): remove them',
  check: ({ kind }) => kind === 'TransactionStmt',
};
