import { z } from 'zod';
import { Tier } from './tier.ts';

/**
 * One page of the inbox: pending approvals, oldest first, each with only what
 * the inbox shows (never the action's whole JSON or its SQL: 10,000 pending
 * rows read whole were 12.7 MB). Defined once: the store parses its rows
 * with it, the CLI prints it.
 */

/**
 * Where a page ends: the last row's sort key, `(requested_at, approval_id)`.
 * `requested_at` keeps the database's microseconds as text (a JavaScript
 * Date has milliseconds only, and a cursor rounded down would show the last
 * row again; rounded up, it could skip a row).
 */
export const InboxPosition = z.strictObject({
  requested_at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  // Airlock's ids are apr- and ten hex digits; the grammar is wider (recorded threads, older ids) but has no quote, space or control character.
  approval_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/),
});
export type InboxPosition = z.infer<typeof InboxPosition>;

/** The blast radius as the inbox shows it: the figures, not the sample rows. */
export const InboxRadius = z.object({
  rows: z.number(),
  table_rows: z.number(),
  pct: z.number(),
  estimated: z.boolean(),
});

/** A row of the inbox's query (src/store/approvals.ts, inboxPage). */
export const InboxRow = z.object({
  approval_id: z.string(),
  thread_id: z.string(),
  environment: z.string(),
  tier: Tier,
  summary: z.string(),
  requested_by: z.string(),
  requested_at: z.date(),
  token_required: z.boolean(),
  /** requested_at to the microsecond, as UTC text: the cursor's half of the sort key. */
  sort_at: z.string(),
  blast_radius: InboxRadius.nullable(),
});
export type InboxRow = z.infer<typeof InboxRow>;
