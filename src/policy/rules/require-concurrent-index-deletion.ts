import type { Rule } from './rule.ts';

export const requireConcurrentIndexDeletion: Rule = {
  name: 'require-concurrent-index-deletion',
  kinds: new Set(['DropStmt']),
  tier: 'write',
  message: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock that blocks reads and writes: use DROP INDEX CONCURRENTLY in a migration of its own',
  check: ({ kind, node }) => kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX' && !node.concurrent,
};
