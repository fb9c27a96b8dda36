import type pg from 'pg';
import type { PendingApproval } from '../policy/review-decision.ts';
import type { Tier } from '../policy/tier.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface Approval {
  approval_id: string;
  thread_id: string;
  status: ApprovalStatus;
  environment: string;
  tier: Tier;
  summary: string;
  sql: string;
  action: Record<string, unknown>;
  action_hash: string;
  confirmation_token: string;
  token_required: boolean;
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
  outcome: string | null;
}

export type ApprovalRequestRow = Pick<
  Approval,
  | 'approval_id' | 'thread_id' | 'environment' | 'tier' | 'summary' | 'sql' | 'action' | 'action_hash'
  | 'confirmation_token' | 'token_required' | 'requested_by' | 'requested_at'
>;

/**
 * Record that a thread waits for a decision. Idempotent: the approve node
 * re-runs from its first line on resume, and must find the row it wrote.
 */
export async function requestApproval(db: Queryable, request: ApprovalRequestRow): Promise<Approval> {
  await db.query(
    `INSERT INTO airlock.approvals (approval_id, thread_id, status, environment, tier, summary, sql, action,
       action_hash, confirmation_token, token_required, requested_by, requested_at)
     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (approval_id) DO NOTHING`,
    [
      request.approval_id, request.thread_id, request.environment, request.tier, request.summary, request.sql,
      JSON.stringify(request.action), request.action_hash, request.confirmation_token, request.token_required,
      request.requested_by, request.requested_at,
    ],
  );
  const approval = await findApproval(db, request.approval_id);
  if (!approval) throw new Error(`approval ${request.approval_id} vanished right after it was written`);
  return approval;
}

export async function findApproval(db: Queryable, approvalId: string): Promise<Approval | undefined> {
  const { rows } = await db.query<Approval>('SELECT * FROM airlock.approvals WHERE approval_id = $1', [approvalId]);
  return rows[0];
}

export async function approvalsForThread(db: Queryable, threadId: string): Promise<Approval[]> {
  const { rows } = await db.query<Approval>(
    'SELECT * FROM airlock.approvals WHERE thread_id = $1 ORDER BY requested_at',
    [threadId],
  );
  return rows;
}

/** Pending approvals, oldest first (one scan of a partial index). */
export async function pendingApprovals(db: Queryable): Promise<Approval[]> {
  const { rows } = await db.query<Approval>(
    "SELECT * FROM airlock.approvals WHERE status = 'pending' ORDER BY requested_at, approval_id",
  );
  return rows;
}

/**
 * Decide an approval: an atomic pending → approved/rejected transition, so
 * that of many reviewers deciding at once exactly one wins. Returns the row as
 * it stands afterwards and whether this call made the decision.
 */
export async function decideApproval(
  db: Queryable,
  approvalId: string,
  decision: { status: 'approved' | 'rejected'; decidedBy: string; reason?: string; decidedAt: Date },
): Promise<{ won: boolean; approval: Approval | undefined }> {
  const { rows } = await db.query<Approval>(
    `UPDATE airlock.approvals SET status = $2, decided_by = $3, decided_at = $5, reason = $4
      WHERE approval_id = $1 AND status = 'pending' RETURNING *`,
    [approvalId, decision.status, decision.decidedBy, decision.reason ?? null, decision.decidedAt],
  );
  if (rows[0]) return { won: true, approval: rows[0] };
  return { won: false, approval: await findApproval(db, approvalId) };
}

export async function recordApprovalOutcome(db: Queryable, approvalId: string, outcome: string): Promise<void> {
  await db.query('UPDATE airlock.approvals SET outcome = $2 WHERE approval_id = $1', [approvalId, outcome]);
}

/** What the pure review decision needs to know about an approval. */
export function pendingOf(approval: Approval): PendingApproval {
  const permit = (approval.action.permit ?? {}) as { roles?: string[]; fourEyes?: boolean };
  return {
    ...(permit.roles ? { roles: permit.roles } : {}),
    fourEyes: permit.fourEyes ?? true,
    requestedAt: approval.requested_at,
    approvalId: approval.approval_id,
    tier: approval.tier,
    environment: approval.environment,
    requestedBy: approval.requested_by,
    tokenRequired: approval.token_required,
    confirmationToken: approval.confirmation_token,
  };
}

/** The identity Airlock decides as, when an approval expires. */
export const AIRLOCK_ITSELF = 'airlock';
