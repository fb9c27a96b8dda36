import type { Rule } from './rule.ts';

function hasConcurrently(kind: string, node: Record<string, unknown>): boolean {
  if (kind === 'IndexStmt' || kind === 'DropStmt') return Boolean(node.concurrent);
  if (kind === 'ReindexStmt') {
    return ((node.params ?? []) as { DefElem?: { defname?: string } }[]).some((param) => param.DefElem?.defname === 'concurrently');
  }
  return false;
}

export const banConcurrentIndexCreationInTransaction: Rule = {
  name: 'ban-concurrent-index-creation-in-transaction',
  kinds: new Set(['IndexStmt', 'DropStmt', 'ReindexStmt']),
  tier: 'forbidden',
  message: 'CONCURRENTLY cannot run inside a transaction, and Airlock runs a text of several statements as one: submit this statement as a migration of its own',
  check: ({ kind, node, nested, script }) =>
    hasConcurrently(kind, node) && (nested || script.statementCount > 1 || script.hasTransactionBlock),
};
