import { refuse, type Refusal } from '../contracts/result.ts';

/**
 * A cleanup's filter is evaluated more than once: by the dry-run's count, by
 * the re-count at execution, by the statement that removes the rows. A filter
 * whose answer can differ between two evaluations picks other rows each time,
 * so the reviewer approves one set and another goes (issue 14, hole 7:
 * `id IN (SELECT id FROM sessions ORDER BY random() LIMIT 30)`). Such a filter
 * is refused, with the reason. Pure: from the filter's parse tree.
 */

import type { FuncCall, SelectStmt } from '@pgsql/types';
import type { Fields, WrappedNode } from '../sql/tree.ts';

// Built-in functions PostgreSQL marks volatile that a filter may otherwise call
// (pg_proc.provolatile = 'v'): each call can answer differently.
const VOLATILE_FUNCTIONS = new Set([
  'random', 'random_normal', 'setseed', 'nextval', 'currval', 'lastval', 'setval', 'clock_timestamp', 'timeofday',
  'gen_random_uuid', 'uuidv4', 'uuidv7', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'txid_current',
  'pg_current_xact_id', 'pg_sleep', 'dblink', 'pg_read_file', 'pg_stat_get_activity', 'pg_stat_get_live_tuples',
]);

export const UNSTABLE_PREDICATE = 'unstable-predicate';

/** Why this filter can pick different rows on two evaluations, and what to write instead; undefined when it cannot. */
export function unstablePredicate(filter: unknown): Refusal<typeof UNSTABLE_PREDICATE> | undefined {
  const reasons = new Set<string>();
  const stack: unknown[] = [filter];
  while (stack.length) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    const node = value as Fields;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'FuncCall') {
        const parts: readonly WrappedNode[] = (child as FuncCall).funcname ?? [];
        const name = parts.at(-1)?.String?.sval?.toLowerCase();
        if (name && VOLATILE_FUNCTIONS.has(name)) {
          reasons.add(`${name}() can answer differently each time it is called, so the count, the approval and the delete could each pick other rows`);
        }
      } else if (key === 'RangeTableSample') {
        reasons.add('TABLESAMPLE picks a different sample on each scan');
      } else if (key === 'SelectStmt') {
        const select = child as SelectStmt;
        if (select.limitCount || select.limitOffset) {
          reasons.add('LIMIT/OFFSET picks rows by an order Airlock cannot prove total (without ORDER BY, or with ties in it, each evaluation may pick other rows)');
        }
      }
      if (child && typeof child === 'object') stack.push(child);
    }
  }
  return reasons.size ? unstablePredicateRefusal([...reasons].sort().join('; ')) : undefined;
}

/** The refusal line for a cleanup: the reason, and what to write instead. */
function unstablePredicateRefusal(reason: string): Refusal<typeof UNSTABLE_PREDICATE> {
  return refuse(
    UNSTABLE_PREDICATE,
    `--where can pick different rows each time it is evaluated (${UNSTABLE_PREDICATE}): ${reason}. Filter by values that stay put (id <= 1000, created_at < '2026-01-01'), or list the ids`,
  );
}
