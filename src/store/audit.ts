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
  const [inserted] = await appendAuditEntries(db, [entry]);
  return inserted ?? false;
}

/**
 * Append a step's entries with one INSERT, in their order: one round trip,
 * and on `db` a step's own transaction when it has one (a client inside
 * BEGIN … COMMIT), so the rows commit with what they describe. The chain
 * trigger links each row to the one before it (rows earlier in the same
 * statement included); its advisory lock is taken once per transaction
 * (Postgres re-enters a lock a transaction holds without the shared lock
 * table), and held until it ends: write entries last, just before COMMIT.
 * For each entry, whether it was written (false: its event key was there).
 */
export async function appendAuditEntries(db: Queryable, entries: readonly AuditEntry[]): Promise<boolean[]> {
  if (entries.length === 0) return [];
  const rows = entries.map((entry) => ({
    thread_id: entry.threadId ?? null,
    approval_id: entry.approvalId ?? null,
    step: entry.step,
    actor: entry.actor,
    environment: entry.environment ?? null,
    outcome: entry.outcome,
    message: entry.message,
    detail: entry.detail ?? {},
    event_key: entry.eventKey ?? null,
  }));
  const { rows: written } = await db.query<{ event_key: string | null; position: string }>(
    `INSERT INTO airlock.audit (thread_id, approval_id, step, actor, environment, outcome, message, detail, event_key)
     SELECT e.thread_id, e.approval_id, e.step, e.actor, e.environment, e.outcome, e.message, e.detail, e.event_key
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
              thread_id text, approval_id text, step text, actor text, environment text,
              outcome text, message text, detail jsonb, event_key text))
            WITH ORDINALITY AS e(thread_id, approval_id, step, actor, environment, outcome, message, detail, event_key, position)
      -- A re-run's entries already there are not offered at all: no row, no trigger, no chain lock.
      WHERE e.event_key IS NULL OR NOT EXISTS (SELECT FROM airlock.audit a WHERE a.event_key = e.event_key)
      ORDER BY e.position
     -- Two runs racing past that check: the second finds the first's row here.
     ON CONFLICT (event_key) DO NOTHING
     RETURNING event_key`,
    [JSON.stringify(rows)],
  );
  // Entries without an event key are always written; one with a key, when the key came back.
  const keys = new Set(written.map((row) => row.event_key).filter((key): key is string => key !== null));
  const seen = new Set<string>();
  return entries.map((entry) => {
    if (entry.eventKey === undefined) return true;
    // The same key twice in one batch: the first is written, the second is the re-run.
    if (seen.has(entry.eventKey)) return false;
    seen.add(entry.eventKey);
    return keys.has(entry.eventKey);
  });
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
