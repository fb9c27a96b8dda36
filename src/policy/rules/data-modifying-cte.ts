import { RUNS_NESTED_DML } from '../../sql/statement-kinds.ts';
import type { Rule } from './rule.ts';

export const dataModifyingCte: Rule = {
  name: 'data-modifying-cte',
  kinds: RUNS_NESTED_DML,
  tier: 'write',
  message: 'a WITH clause inside this statement changes rows (WITH x AS (DELETE …) SELECT …): it is judged as the change it makes, not as a read',
  check: ({ facts, nested }) => !nested && facts.nestedDml.length > 0 && { detail: facts.nestedDml.map((dml) => dml.kind).join(', ') },
};
