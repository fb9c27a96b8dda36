import type { EnvironmentPolicy } from './policy-file.ts';
import type { ArmRadius, BlastRadius, StatementRadius } from '../contracts/blast-radius.ts';
import { refuse, type Refusal } from '../contracts/result.ts';

export const BLAST_RADIUS_CAP = 'blast-radius-cap';



/** The figures as a reviewer reads them; an estimate says so. */
export function describeRadius(radius: Pick<BlastRadius, 'rows' | 'table_rows' | 'pct' | 'estimated' | 'table' | 'arms'>): string {
  const about = radius.estimated ? 'about ' : '';
  const arms = radius.arms?.length ? ` [${armSummary(radius.arms)}]` : '';
  return `${about}${radius.rows} of ${radius.table_rows} rows (${radius.pct}%)${radius.table ? ` in ${radius.table}` : ''}${arms}${radius.estimated ? ', estimated by EXPLAIN' : ''}`;
}

/** `3 deleted, 5 updated, 2 inserted`: what a MERGE or an upsert does, by action. */
export function armSummary(arms: ArmRadius[]): string {
  const total = (action: ArmRadius['action']) => arms.filter((arm) => arm.action === action).reduce((sum, arm) => sum + arm.rows, 0);
  return (['delete', 'update', 'insert'] as const)
    .filter((action) => arms.some((arm) => arm.action === action))
    .map((action) => `${total(action)} ${action === 'delete' ? 'deleted' : action === 'update' ? 'updated' : 'inserted'}`)
    .join(', ');
}

export function percentOf(rows: number, total: number): number {
  return total === 0 ? 0 : Math.round((1000 * rows) / total) / 10;
}

/** Over the environment's cap (rows or percent)? Then the action is blocked before anyone is asked. */
export function capExceeded(radius: Pick<BlastRadius, 'rows' | 'table_rows' | 'pct' | 'estimated'>, environment: string, caps: EnvironmentPolicy['blastRadius']): Refusal<typeof BLAST_RADIUS_CAP> | undefined {
  if (!caps) return undefined;
  const figures = `${radius.rows} of ${radius.table_rows} rows (${radius.pct}%)${radius.estimated ? ', estimated' : ''}`;
  if (caps.maxRows !== undefined && radius.rows > caps.maxRows) {
    return refuse(BLAST_RADIUS_CAP, `${figures} is over ${environment}'s cap of ${caps.maxRows} rows (${BLAST_RADIUS_CAP}): narrow the filter, or split the cleanup`);
  }
  if (caps.maxPercent !== undefined && radius.pct > caps.maxPercent) {
    return refuse(BLAST_RADIUS_CAP, `${figures} is over ${environment}'s cap of ${caps.maxPercent}% of the table (${BLAST_RADIUS_CAP}): check the filter — does it match rows you did not mean (NULLs, new kinds of rows)?`);
  }
  return undefined;
}

/**
 * Does the count at execution still match what the reviewer approved? Under
 * 100 rows it must be exact; above, within 1% (within 10% of an approved
 * estimate). Otherwise the data changed
 * since approval, and the reviewer is asked again with the new figures.
 */
export function recountAccepted(approved: number, found: number, estimated = false): boolean {
  // An estimate from EXPLAIN is approved as "about N": within 10%.
  if (estimated) return Math.abs(found - approved) <= Math.ceil(approved * 0.1);
  if (approved < 100) return found === approved;
  return Math.abs(found - approved) <= Math.ceil(approved * 0.01);
}
