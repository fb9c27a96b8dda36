import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLedgerSchema, migrateStateSchema } from '../../src/store/schema.ts';
import { STATE_MIGRATIONS } from '../../src/store/migrations/state.ts';
import { ADVISORY_LOCKS } from '../../src/store/advisory-locks.ts';
import { appendAudit } from '../../src/store/audit.ts';
import { decideApproval, requestApproval } from '../../src/store/approvals.ts';
import { createScratchDatabase } from '../helpers/database.ts';

// A database of this file's own, so the schema is created from nothing.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
const pools: pg.Pool[] = [];
let url: string;

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_schema');
  url = scratch.url;
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await scratch?.drop();
});

function pool() {
  const created = new pg.Pool({ connectionString: url, max: 3 });
  // DROP DATABASE … WITH (FORCE) at the end ends any connection still open; that is expected.
  created.on('error', () => {});
  pools.push(created);
  return created;
}

describe("Airlock's own schema", () => {
  it('is created once when several processes start at the same moment (advisory lock)', async () => {
    await Promise.all(Array.from({ length: 5 }, () => migrateStateSchema(pool())));
    const { rows } = await pool().query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'airlock' ORDER BY table_name",
    );
    expect(rows.map((row) => row.table_name)).toEqual([
      'api_threads', 'approvals', 'audit', 'backups', 'checkpoint_blobs', 'checkpoint_migrations', 'checkpoint_writes', 'checkpointer_setup', 'checkpoints', 'environment_marker', 'ledger', 'ledger_migrations', 'schema_migrations',
    ]);
    await migrateStateSchema(pool()); // and again: nothing to do
  });

  it('keeps the audit trail append-only', async () => {
    const db = pool();
    await appendAudit(db, { step: 'test', actor: 'alice', outcome: 'ok', message: 'first', eventKey: 'k1' });
    await appendAudit(db, { step: 'test', actor: 'alice', outcome: 'ok', message: 'again', eventKey: 'k1' });
    const { rows } = await db.query("SELECT message FROM airlock.audit WHERE event_key = 'k1'");
    expect(rows).toEqual([{ message: 'first' }]);
    await expect(db.query("UPDATE airlock.audit SET message = 'rewritten'")).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.query('DELETE FROM airlock.audit')).rejects.toThrow(/append-only: DELETE/);
    await expect(db.query('TRUNCATE airlock.audit')).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('records an approval request once, and of many concurrent decisions exactly one wins', async () => {
    const db = pool();
    const request = {
      approval_id: 'apr-race', thread_id: 'thread-race', environment: 'production', tier: 'destructive' as const,
      summary: 'DROP TABLE t', sql: 'DROP TABLE t', action: {}, action_hash: 'h', confirmation_token: 'tok',
      token_required: true, requested_by: 'dev', requested_at: new Date(),
    };
    await requestApproval(db, request);
    const again = await requestApproval(db, { ...request, summary: 'changed on re-run' });
    expect(again.summary).toBe('DROP TABLE t');

    const reviewers = Array.from({ length: 20 }, (_, i) => `reviewer${i}`);
    const results = await Promise.all(
      reviewers.map((reviewer) => decideApproval(pool(), 'apr-race', { status: 'approved', decidedBy: reviewer, decidedAt: new Date('2026-11-22T10:00:00Z') })),
    );
    const winners = results.filter((result) => result.won);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.approval!.decided_by;
    for (const result of results) expect(result.approval!.decided_by).toBe(winner);
  });
  it('migration 4 makes an edit a status of its own: old rows stored as rejected "edited by" become edited, others stay', async () => {
    const db = pool();
    await migrateStateSchema(db);
    // Put the database back as version 3 left it: the old CHECK, and rows written the old way.
    await db.query(`DELETE FROM airlock.schema_migrations WHERE version = 4;
      ALTER TABLE airlock.approvals DROP CONSTRAINT approvals_status_check;
      ALTER TABLE airlock.approvals ADD CONSTRAINT approvals_status_check CHECK (status IN ('pending', 'approved', 'rejected'))`);
    const row = (id: string, status: string, reason: string | null) =>
      db.query(
        `INSERT INTO airlock.approvals (approval_id, thread_id, status, environment, tier, summary, sql, action, action_hash,
           confirmation_token, token_required, requested_by, decided_by, decided_at, reason)
         VALUES ($1, 't-old', $2, 'production', 'destructive', 's', 'DELETE FROM t', '{}', 'h', 'tok', true, 'dev', 'alice', now(), $3)`,
        [id, status, reason],
      );
    await row('apr-old-edit', 'rejected', 'edited by alice: replaced by the edited SQL, which is checked again');
    await row('apr-old-reject', 'rejected', 'edited by mistake, do not run');
    await row('apr-old-self', 'approved', "edited by alice from apr-x; the tier did not grow");
    await expect(row('apr-too-soon', 'edited', null)).rejects.toThrow(/approvals_status_check/);

    await migrateStateSchema(db);
    const { rows } = await db.query("SELECT approval_id, status FROM airlock.approvals WHERE thread_id = 't-old' ORDER BY approval_id");
    expect(rows).toEqual([
      { approval_id: 'apr-old-edit', status: 'edited' },
      { approval_id: 'apr-old-reject', status: 'rejected' },
      { approval_id: 'apr-old-self', status: 'approved' },
    ]);
    await expect(db.query("UPDATE airlock.approvals SET status = 'withdrawn' WHERE approval_id = 'apr-old-edit'")).rejects.toThrow(/approvals_status_check/);
  });

  it('a start on a current schema is one SELECT: no DDL, no schema lock; a database behind still migrates under the lock', async () => {
    await migrateStateSchema(pool());
    // Another process holds the schema lock (as a migration in progress would).
    const holder = await pool().connect();
    await holder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.schema]);
    try {
      const started = Date.now();
      await migrateStateSchema(pool());
      await ensureLedgerSchema(pool());
      // Returned without waiting for the lock (a generous bound: it waits forever otherwise).
      expect(Date.now() - started).toBeLessThan(10_000);

      // One migration short (as after an upgrade of Airlock): the start waits for the lock, then migrates.
      await holder.query('DELETE FROM airlock.checkpointer_setup');
      let done = false;
      const behind = migrateStateSchema(pool()).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(done).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.schema]);
      await behind;
      expect((await holder.query('SELECT count(*)::int AS n FROM airlock.checkpointer_setup')).rows[0].n).toBe(1);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });

  it('a database with as many version rows as ours, but another build’s instead of one of ours, is behind', async () => {
    await migrateStateSchema(pool());
    const holder = await pool().connect();
    const last = STATE_MIGRATIONS.migrations.at(-1)!;
    try {
      // Our newest migration's row swapped for one this build does not have: the count alone would say current.
      await holder.query('DELETE FROM airlock.schema_migrations WHERE version = $1', [last.version]);
      await holder.query("INSERT INTO airlock.schema_migrations (version, name) VALUES (9999, 'another build')");
      await holder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.schema]);
      let done = false;
      const behind = migrateStateSchema(pool()).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(done).toBe(false); // it saw it is behind, and waits for the schema lock to migrate
      // Put the row back before letting it go, so that it finds nothing left to apply.
      await holder.query('DELETE FROM airlock.schema_migrations WHERE version = 9999');
      await holder.query('INSERT INTO airlock.schema_migrations (version, name) VALUES ($1, $2)', [last.version, last.name]);
      await holder.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.schema]);
      await behind;
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });
});
