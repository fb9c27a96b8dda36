import { BLAST_RADIUS_CAP, capExceeded } from './blast-radius.ts';
import type { EnvironmentPolicy } from './policy-file.ts';
import type { BlastRadius } from '../contracts/blast-radius.ts';
import { ok, refusedWith, type Result } from '../contracts/result.ts';

/**
 * Caps against a measured blast radius, with a floor under the percentage
 * cap: on a table of fewer than `smallTableRows` rows (default 100) a share
 * says little (one row of a one-row settings table is 100%), so such a table
 * is judged by the row cap, and a share over the percentage cap needs the
 * destructive tier's approval (a named reviewer, and the confirmation token
 * where the policy asks for one) instead of being blocked outright. Pure.
 */
export const DEFAULT_SMALL_TABLE_ROWS = 100;

/** Within the caps, or over the percentage cap on a small table: then approved as destructive, for the reason `escalation` gives. */
export interface WithinCaps {
  escalation?: string;
}

/** Over a cap: refused (`blast-radius-cap`). */
export type CapVerdict = Result<WithinCaps, typeof BLAST_RADIUS_CAP>;

export function judgeCaps(
  radius: Pick<BlastRadius, 'rows' | 'table_rows' | 'pct' | 'estimated'>,
  environment: string,
  caps: EnvironmentPolicy['blastRadius'],
): CapVerdict {
  if (!caps) return ok({});
  const floor = caps.smallTableRows ?? DEFAULT_SMALL_TABLE_ROWS;
  const small = radius.table_rows < floor;
  const over = capExceeded(radius, environment, small ? { ...caps, maxPercent: undefined } : caps);
  if (over) return refusedWith(over);
  if (small && caps.maxPercent !== undefined && radius.pct > caps.maxPercent) {
    return ok({
      escalation: `${radius.rows} of ${radius.table_rows} rows (${radius.pct}%) is over ${environment}'s cap of ${caps.maxPercent}%, but the table has fewer than ${floor} rows (blastRadius.smallTableRows), so it is judged by the row cap and needs a destructive-tier approval (small-table-floor)`,
    });
  }
  return ok({});
}
