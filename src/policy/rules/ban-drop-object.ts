import type { Rule } from './rule.ts';

const COVERED_ELSEWHERE = new Set(['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX']);

export const banDropObject: Rule = {
  name: 'ban-drop-object',
  kinds: new Set(['DropStmt']),
  tier: 'destructive',
  message: 'DROP of a schema, view, function, type or sequence cannot be undone and breaks whatever depends on it: check its dependents and keep its definition',
  check: ({ kind, node }) =>
    kind === 'DropStmt' && !COVERED_ELSEWHERE.has(String(node.removeType)) && { detail: String(node.removeType).replace('OBJECT_', '') },
};
