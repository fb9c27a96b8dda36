import { z } from 'zod';
import { Tier } from './tier.ts';

/**
 * One row of `airlock.approvals`, defined once: the TypeScript type, the
 * column lists, and the record `airlock export` writes and `airlock replay`
 * reads are all derived from it. (The DDL in src/store/migrations/state.ts
 * is the one other place the columns are named: the database's own
 * definition.) No I/O here, so that it can live with the other pure shapes.
 */

/**
 * Where an approval stands. `edited`: a reviewer replaced its SQL (or a
 * cleanup's filter); the edited action is checked again under a new approval,
 * and this one never runs.
 */
export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'edited']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/** A decided status: what the pending → decided transition may set. */
export const DecidedStatus = ApprovalStatus.exclude(['pending']);
export type DecidedStatus = z.infer<typeof DecidedStatus>;

/** The row's fields, with the row's own types (timestamps as dates). */
export const ApprovalRecord = z.object({
  approval_id: z.string(),
  thread_id: z.string(),
  status: ApprovalStatus,
  environment: z.string(),
  tier: Tier,
  summary: z.string(),
  sql: z.string(),
  action: z.record(z.string(), z.unknown()),
  action_hash: z.string(),
  confirmation_token: z.string(),
  token_required: z.boolean(),
  requested_by: z.string(),
  requested_at: z.date(),
  decided_by: z.string().nullable(),
  decided_at: z.date().nullable(),
  reason: z.string().nullable(),
  outcome: z.string().nullable(),
});
export type Approval = z.infer<typeof ApprovalRecord>;

/** Every column, in the table's order (for INSERTs that copy whole rows, such as replay's import). */
export const APPROVAL_COLUMNS = Object.keys(ApprovalRecord.shape) as (keyof Approval)[];

/** What a thread's pause writes; the rest is filled in by the decision and the outcome. */
export const ApprovalRequestRecord = ApprovalRecord.pick({
  approval_id: true,
  thread_id: true,
  environment: true,
  tier: true,
  summary: true,
  sql: true,
  action: true,
  action_hash: true,
  confirmation_token: true,
  token_required: true,
  requested_by: true,
  requested_at: true,
});
export type ApprovalRequestRow = z.infer<typeof ApprovalRequestRecord>;
export const APPROVAL_REQUEST_COLUMNS = Object.keys(ApprovalRequestRecord.shape) as (keyof ApprovalRequestRow)[];

/**
 * The row as a thread export carries it: timestamps as ISO strings, and the
 * tier as any string (files recorded by other versions are read, then judged).
 */
export const ExportedApproval = ApprovalRecord.extend({
  tier: z.string(),
  requested_at: z.string(),
  decided_at: z.string().nullable(),
});
export type ExportedApproval = z.infer<typeof ExportedApproval>;

/** The row as an export writes it. */
export function exportedApproval(approval: Approval): ExportedApproval {
  return { ...approval, requested_at: approval.requested_at.toISOString(), decided_at: approval.decided_at?.toISOString() ?? null };
}
