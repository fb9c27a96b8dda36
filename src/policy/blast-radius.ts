import type { EnvironmentPolicy } from './policy-file.ts';

/** What an action would touch, measured by the dry-run. */
export interface BlastRadius {
  rows: number;
  table_rows: number;
  /** Share of the table, in percent, one decimal. */
  pct: number;
  /** The figures come from EXPLAIN, not an exact count. */
  estimated: boolean;
  samples: Record<string, unknown>[];
  duration_ms: number;
}

export function percentOf(rows: number, total: number): number {
  return total === 0 ? 0 : Math.round((1000 * rows) / total) / 10;
}

/** Over the environment's cap (rows or percent)? Then the action is blocked before anyone is asked. */
export function capExceeded(radius: Pick<BlastRadius, 'rows' | 'table_rows' | 'pct' | 'estimated'>, environment: string, caps: EnvironmentPolicy['blastRadius']): string | undefined {
  if (!caps) return undefined;
  const figures = `${radius.rows} of ${radius.table_rows} rows (${radius.pct}%)${radius.estimated ? ', estimated' : ''}`;
  if (caps.maxRows !== undefined && radius.rows > caps.maxRows) {
    return `${figures} is over ${environment}'s cap of ${caps.maxRows} rows (blast-radius-cap): narrow the filter, or split the cleanup`;
  }
  if (caps.maxPercent !== undefined && radius.pct > caps.maxPercent) {
    return `${figures} is over ${environment}'s cap of ${caps.maxPercent}% of the table (blast-radius-cap): check the filter — does it match rows you did not mean (NULLs, new kinds of rows)?`;
  }
  return undefined;
}

/**
 * Does the count at execution still match what the reviewer approved? Under
 * 100 rows it must be exact; above, within 1%. Otherwise the data changed
 * since approval, and the reviewer is asked again with the new figures.
 */
export function recountAccepted(approved: number, found: number): boolean {
  if (approved < 100) return found === approved;
  return Math.abs(found - approved) <= Math.ceil(approved * 0.01);
}
