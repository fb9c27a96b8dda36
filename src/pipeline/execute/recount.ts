import { capExceeded, percentOf, recountAccepted } from '../../policy/blast-radius.ts';
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
