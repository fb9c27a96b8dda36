import { onNewTable, type Rule } from './rule.ts';

export const requireConcurrentIndexCreation: Rule = {
  name: 'require-concurrent-index-creation',
  kinds: new Set(['IndexStmt']),
  tier: 'write',
  message: 'CREATE INDEX without CONCURRENTLY blocks every write to the table until the index is built: use CREATE INDEX CONCURRENTLY in a migration of its own',
  check: (statement) => statement.kind === 'IndexStmt' && !statement.node.concurrent && !onNewTable(statement),
};
