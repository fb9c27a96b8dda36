import { onNewTable, type Rule } from './rule.ts';

export const requireConcurrentIndexCreation: Rule = {
  name: 'require-concurrent-index-creation',
  tier: 'write',
  message: 'CREATE INDEX without CONCURRENTLY blocks every write to the table until the index is built: use CREATE INDEX CONCURRENTLY in a migration of its own',
  check: ({ kind, node, ...statement }) => kind === 'IndexStmt' && !node.concurrent && !onNewTable({ kind, node, ...statement }),
};
