import { cannotRunInTransaction } from '../../sql/statement-kinds.ts';
import type { Rule } from './rule.ts';

export const banConcurrentIndexCreationInTransaction: Rule = {
  name: 'ban-concurrent-index-creation-in-transaction',
  kinds: new Set(['IndexStmt', 'DropStmt', 'ReindexStmt', 'VacuumStmt']),
  tier: 'forbidden',
  message: 'CONCURRENTLY (and VACUUM) cannot run inside a transaction, and Airlock runs a text of several statements as one: submit this statement as a migration of its own',
  check: ({ kind, node, nested, script }) =>
    cannotRunInTransaction(kind, node) && (nested || script.statementCount > 1 || script.hasTransactionBlock),
};
