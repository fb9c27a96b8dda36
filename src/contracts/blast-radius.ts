import { z } from 'zod';

/** What an action would touch, as the dry-run measured it. Defined once, here (src/policy/blast-radius.ts judges it). */

export const ArmRadius = z.object({
  action: z.enum(['delete', 'update', 'insert']),
  label: z.string(),
  rows: z.number(),
});
export type ArmRadius = z.infer<typeof ArmRadius>;

export const StatementRadius = z.object({
  statement: z.number(),
  table: z.string(),
  rows: z.number(),
  table_rows: z.number(),
  pct: z.number(),
  estimated: z.boolean(),
  arms: z.array(ArmRadius).optional(),
});
export type StatementRadius = z.infer<typeof StatementRadius>;

export const BlastRadius = z.object({
  rows: z.number(),
  table_rows: z.number(),
  /** Share of the table, in percent, one decimal. */
  pct: z.number(),
  /** The figures come from EXPLAIN, not an exact count. */
  estimated: z.boolean(),
  samples: z.array(z.record(z.string(), z.unknown())),
  duration_ms: z.number(),
  /** The table measured (a migration's statement with the largest share). */
  table: z.string().optional(),
  /** A migration: each statement that changes rows, measured, 1-based statement numbers. */
  statements: z.array(StatementRadius).optional(),
  /** MERGE and INSERT … ON CONFLICT: the rows each arm deletes, updates or inserts (`rows` is deleted + updated). */
  arms: z.array(ArmRadius).optional(),
});
export type BlastRadius = z.infer<typeof BlastRadius>;
