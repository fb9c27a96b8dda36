import { isTautology } from '../tautology.ts';
import type { Rule } from './rule.ts';

export const tautologicalWhere: Rule = {
  name: 'tautological-where',
  kinds: new Set(['DeleteStmt', 'UpdateStmt']),
  tier: 'destructive',
  message: 'this WHERE is true for every row (WHERE true, 1 = 1, x IS NULL OR x IS NOT NULL…), so the statement touches the whole table: write the filter you mean',
  check: ({ kind, node }) => (kind === 'DeleteStmt' || kind === 'UpdateStmt') && Boolean(node.whereClause) && isTautology(node.whereClause),
};
