import type pg from 'pg';
import { capExceeded, percentOf, recountAccepted } from '../../policy/blast-radius.ts';
import type { CleanupPlan } from '../../policy/cleanup-request.ts';
import type { Caps } from './attempt.ts';

/**
 * The rows found at execution against what was approved; an approved
 * estimate must also stay under the caps once counted exactly. Pure.
 */
export function countStillApproved(approved: { rows: number; table_rows: number; estimated: boolean }, found: number, caps: Caps): boolean {
  if (!recountAccepted(approved.rows, found, approved.estimated)) return false;
  const exact = { rows: found, table_rows: approved.table_rows, pct: percentOf(found, Math.max(approved.table_rows, found)), estimated: false };
  return !approved.estimated || capExceeded(exact, 'this environment', caps) === undefined;
}

/**
 * Count a cleanup's rows again inside the transaction that removes them:
 * they must still be the ones that were approved.
 */
export async function recountCleanup(
  client: pg.PoolClient,
  plan: CleanupPlan,
  approved: { rows: number; table_rows: number; estimated: boolean },
  caps: Caps,
): Promise<{ found: number; stillApproved: boolean }> {
  const { rows } = await client.query<{ rows: string }>(plan.change.arms[0]!.count);
  const found = Number(rows[0]!.rows);
  return { found, stillApproved: countStillApproved(approved, found, caps) };
}
