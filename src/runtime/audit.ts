import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'>;

/** One row of the append-only audit trail: who did what, where, and how it ended. */
export interface AuditEntry {
  threadId?: string;
  approvalId?: string;
  step: string;
  actor: string;
  environment?: string;
  outcome: string;
  /** A sentence for the person on call: what happened, where, what to do next. */
  message: string;
  detail?: Record<string, unknown>;
  /**
   * Nodes re-run from their first line on resume; an entry with an event key
   * is written once however often its node runs.
   */
  eventKey?: string;
}

export interface AuditRecord {
  audit_id: string;
  at: Date;
  thread_id: string | null;
  approval_id: string | null;
  step: string;
  actor: string;
  environment: string | null;
  outcome: string;
  message: string;
  detail: Record<string, unknown>;
}

export async function appendAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO airlock.audit (thread_id, approval_id, step, actor, environment, outcome, message, detail, event_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (event_key) DO NOTHING`,
    [
      entry.threadId ?? null,
      entry.approvalId ?? null,
      entry.step,
      entry.actor,
      entry.environment ?? null,
      entry.outcome,
      entry.message,
      JSON.stringify(entry.detail ?? {}),
      entry.eventKey ?? null,
    ],
  );
}

export async function auditTrail(db: Queryable, threadId: string): Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRecord>(
    `SELECT audit_id, at, thread_id, approval_id, step, actor, environment, outcome, message, detail
       FROM airlock.audit WHERE thread_id = $1 ORDER BY audit_id`,
    [threadId],
  );
  return rows;
}
