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

/** The columns a record is read with, in this order (`airlock audit --json` prints them so). */
const RECORD_COLUMNS = (
  ['audit_id', 'at', 'thread_id', 'approval_id', 'step', 'actor', 'environment', 'outcome', 'message', 'detail'] as const satisfies readonly (keyof AuditRecord)[]
).join(', ');

/** Append an entry; false when an entry with the same event key was already there (a re-run). */
export async function appendAudit(db: Queryable, entry: AuditEntry): Promise<boolean> {
  const inserted = await db.query(
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
  return (inserted.rowCount ?? 0) > 0;
}

export async function auditTrail(db: Queryable, threadId: string): Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRecord>(
    `SELECT ${RECORD_COLUMNS} FROM airlock.audit WHERE thread_id = $1 ORDER BY audit_id`,
    [threadId],
  );
  return rows;
}

export interface AuditVerification {
  ok: boolean;
  rowsChecked: number;
  /** The first row whose content or link does not hold, and what is wrong with it. */
  firstBroken?: { auditId: string; problem: string };
}

/**
 * Walk the hash chain in order. A row changed by hand no longer matches its
 * own hash; a row deleted by hand breaks the link of the row after it.
 */
export async function verifyAuditChain(db: Queryable): Promise<AuditVerification> {
  const { rows } = await db.query<{ audit_id: string; prev_hash: string | null; row_hash: string | null; expected: string }>(
    'SELECT audit_id, prev_hash, row_hash, airlock.audit_row_hash(a) AS expected FROM airlock.audit a ORDER BY audit_id',
  );
  let previous = 'genesis';
  let previousId: string | undefined;
  for (const row of rows) {
    if (row.prev_hash !== previous) {
      const where = previousId ? `after row ${previousId}` : 'at the start of the trail';
      return {
        ok: false,
        rowsChecked: rows.indexOf(row),
        firstBroken: { auditId: row.audit_id, problem: `its link to the row before it is broken: a row ${where} was deleted, or row ${previousId ?? row.audit_id} was changed` },
      };
    }
    if (row.row_hash !== row.expected) {
      return {
        ok: false,
        rowsChecked: rows.indexOf(row),
        firstBroken: { auditId: row.audit_id, problem: 'its content no longer matches its hash: it was changed after it was written' },
      };
    }
    previous = row.row_hash;
    previousId = row.audit_id;
  }
  return { ok: true, rowsChecked: rows.length };
}

export async function auditEntries(db: Queryable, options: { threadId?: string; limit: number }): Promise<(AuditRecord & { prev_hash: string; row_hash: string })[]> {
  const { rows } = await db.query<AuditRecord & { prev_hash: string; row_hash: string }>(
    `SELECT * FROM (
       SELECT ${RECORD_COLUMNS}, prev_hash, row_hash
         FROM airlock.audit WHERE ($1::text IS NULL OR thread_id = $1) ORDER BY audit_id DESC LIMIT $2
     ) newest ORDER BY audit_id`,
    [options.threadId ?? null, options.limit],
  );
  return rows;
}
