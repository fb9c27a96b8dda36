import type pg from 'pg';
import type { PendingApproval } from '../policy/review-decision.ts';
import { InboxRow, type InboxPosition } from '../contracts/inbox-page.ts';
import {
  APPROVAL_COLUMNS,
  APPROVAL_REQUEST_COLUMNS,
  ApprovalRecord,
  type Approval,
  type ApprovalRequestRow,
  type DecidedStatus,
  type ExportedApproval,
} from '../contracts/approval-record.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export type { Approval, ApprovalRequestRow, ApprovalStatus } from '../contracts/approval-record.ts';

/** A row as the database returned it, checked against the one definition of its shape. */
function approvalOf(row: unknown): Approval {
  return ApprovalRecord.parse(row);
}

function placeholders(columns: readonly string[]): string {
  return columns.map((_, index) => `$${index + 1}`).join(', ');
}

/**
 * Record that a thread waits for a decision. Idempotent: the approve node
 * re-runs from its first line on resume, and must find the row it wrote.
 */
export async function requestApproval(db: Queryable, request: ApprovalRequestRow): Promise<Approval> {
  // status is 'pending' by the column's absence from the request: set here, never by the caller.
  // One statement: the row it inserted, or (a re-run) the row already there, which the
  // statement's own snapshot cannot confuse with the one it would have written.
  const { rows } = await db.query(
    `WITH inserted AS (
       INSERT INTO airlock.approvals (status, ${APPROVAL_REQUEST_COLUMNS.join(', ')})
       VALUES ('pending', ${placeholders(APPROVAL_REQUEST_COLUMNS)})
       ON CONFLICT (approval_id) DO NOTHING
       RETURNING *
     )
     SELECT * FROM inserted
     UNION ALL
     SELECT * FROM airlock.approvals WHERE approval_id = $1 AND NOT EXISTS (SELECT FROM inserted)`,
    APPROVAL_REQUEST_COLUMNS.map((column) => (column === 'action' ? JSON.stringify(request.action) : request[column])),
  );
  if (!rows[0]) throw new Error(`approval ${request.approval_id} vanished right after it was written`);
  return approvalOf(rows[0]);
}

/**
 * Write recorded approvals as they were (every column, the decision and the
 * outcome included): `airlock replay` loads a thread's export into a scratch
 * state database with them.
 */
export async function importApprovals(db: Queryable, approvals: readonly ExportedApproval[]): Promise<void> {
  for (const approval of approvals) {
    await db.query(
      `INSERT INTO airlock.approvals (${APPROVAL_COLUMNS.join(', ')}) VALUES (${placeholders(APPROVAL_COLUMNS)})`,
      APPROVAL_COLUMNS.map((column) => (column === 'action' ? JSON.stringify(approval.action) : approval[column])),
    );
  }
}

export async function findApproval(db: Queryable, approvalId: string): Promise<Approval | undefined> {
  const { rows } = await db.query('SELECT * FROM airlock.approvals WHERE approval_id = $1', [approvalId]);
  return rows[0] ? approvalOf(rows[0]) : undefined;
}

export async function approvalsForThread(db: Queryable, threadId: string): Promise<Approval[]> {
  const { rows } = await db.query(
    'SELECT * FROM airlock.approvals WHERE thread_id = $1 ORDER BY requested_at',
    [threadId],
  );
  return rows.map(approvalOf);
}

// The inbox reads only what it shows: the blast radius's four figures are
// picked out of the action in the query, so neither the action's JSON (sample
// rows, statements) nor the SQL leaves the database. Its order, oldest first
// with the id as tie-breaker, is the order of approvals_inbox_idx (state
// migration 7), and the keyset condition is a row comparison on the same two
// columns: each page is one index range scan that stops after limit + 1 rows,
// however many approvals are pending or decided, and never a sort.
const INBOX_COLUMNS = `approval_id, thread_id, environment, tier, summary, requested_by, requested_at, token_required,
       to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_at,
       CASE WHEN jsonb_typeof(action -> 'blastRadius') = 'object' THEN jsonb_build_object(
         'rows', action #> '{blastRadius,rows}', 'table_rows', action #> '{blastRadius,table_rows}',
         'pct', action #> '{blastRadius,pct}', 'estimated', action #> '{blastRadius,estimated}') END AS blast_radius`;

/**
 * The inbox's query, exactly as inboxPage sends it (bench/inbox.ts explains
 * this same text): one more row than the page, to know whether more exist.
 */
export function inboxPageQuery(page: { after?: InboxPosition | undefined; limit: number }): { text: string; values: unknown[] } {
  if (!page.after) {
    return {
      text: `SELECT ${INBOX_COLUMNS}
  FROM airlock.approvals
 WHERE status = 'pending'
 ORDER BY requested_at, approval_id
 LIMIT $1`,
      values: [page.limit + 1],
    };
  }
  return {
    text: `SELECT ${INBOX_COLUMNS}
  FROM airlock.approvals
 WHERE status = 'pending' AND (requested_at, approval_id) > ($1::timestamptz, $2::text)
 ORDER BY requested_at, approval_id
 LIMIT $3`,
    values: [page.after.requested_at, page.after.approval_id, page.limit + 1],
  };
}

/** One page of pending approvals, oldest first, after `after` (the previous page's last row) when given. */
export async function inboxPage(
  db: Queryable,
  page: { after?: InboxPosition | undefined; limit: number },
): Promise<{ approvals: InboxRow[]; hasMore: boolean }> {
  const { text, values } = inboxPageQuery(page);
  const { rows } = await db.query(text, values);
  const approvals = rows.slice(0, page.limit).map((row) => InboxRow.parse(row));
  return { approvals, hasMore: rows.length > page.limit };
}

/**
 * Decide an approval: an atomic pending → approved/rejected/edited transition, so
 * that of many reviewers deciding at once exactly one wins. Returns the row as
 * it stands afterwards and whether this call made the decision.
 */
export async function decideApproval(
  db: Queryable,
  approvalId: string,
  decision: { status: DecidedStatus; decidedBy: string; reason?: string; decidedAt: Date },
): Promise<{ won: boolean; approval: Approval | undefined }> {
  // One statement: the row this call decided, or (it lost, or it was decided before) the row as it stands.
  const { rows } = await db.query(
    `WITH decided AS (
       UPDATE airlock.approvals SET status = $2, decided_by = $3, decided_at = $5, reason = $4
        WHERE approval_id = $1 AND status = 'pending' RETURNING *
     )
     SELECT true AS won, * FROM decided
     UNION ALL
     SELECT false AS won, * FROM airlock.approvals WHERE approval_id = $1 AND NOT EXISTS (SELECT FROM decided)`,
    [approvalId, decision.status, decision.decidedBy, decision.reason ?? null, decision.decidedAt],
  );
  const [row] = rows as ({ won: boolean } & Record<string, unknown>)[];
  if (!row) return { won: false, approval: undefined };
  const { won, ...approval } = row;
  // Lost to a decision that committed while this statement waited for the row: the statement's
  // own snapshot still shows it pending, so read it again (a new snapshot sees who won).
  if (!won && approval.status === 'pending') return { won: false, approval: await findApproval(db, approvalId) };
  return { won, approval: approvalOf(approval) };
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
