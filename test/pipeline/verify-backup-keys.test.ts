import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ExecutionResult } from '../../src/contracts/migration-state.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { quotedTable } from '../../src/sql/names.ts';
import { backupKeyProblems, untouchedSinceCapture } from '../../src/pipeline/verify-backup-keys.ts';
import { startCleanup, type RunOutcome } from '../../src/threads/migration-runner.ts';
import { loadApproval } from '../../src/threads/load-approval.ts';
import { review } from '../../src/threads/review.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';
import { planCleanup } from '../../src/policy/cleanup-request.ts';
import { changeAndKeep } from '../../src/pipeline/effect-backup.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';

// Issue 17, point 4: the verify proves a cleanup's backup from the capture's
// transaction (every row of the backup is a tuple it wrote; nothing wrote the
// table since) instead of joining the whole backup with the table; anything
// that proof cannot vouch for still gets the full checks by key, and a backup
// that is not what was removed still fails.

const sandbox = inProcessAirlock(
  (schema) => `
  CREATE TABLE ${schema}.sessions (id int PRIMARY KEY, note text, stale boolean NOT NULL);
  INSERT INTO ${schema}.sessions SELECT n, 'n' || n, n <= 30 FROM generate_series(1, 1000) n;
  CREATE TABLE ${schema}.elsewhere (id int);`,
);

const table = () => `${sandbox().schema}.sessions`;

/** Until no transaction that was running when the sandbox was seeded still runs: the seed's rows are then older than any capture's window. */
async function seedSettled(): Promise<void> {
  const { rows } = await sandbox().query<{ xid: string }>(`SELECT xmin::text AS xid FROM ${table()} LIMIT 1`);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const { rows: now } = await sandbox().query<{ settled: boolean }>(`SELECT age(pg_snapshot_xmin(pg_current_snapshot())::xid) < age($1::xid) AS settled`, [rows[0]!.xid]);
    if (now[0]!.settled) return;
  }
  throw new Error('a transaction older than the seed is still running');
}

async function cleanup(predicate = 'stale'): Promise<RunOutcome> {
  const paused = await startCleanup({ table: table(), predicate, mode: 'delete', environment: 'production', requestedBy: 'dev' });
  expect(paused.status, paused.reason).toBe('pending_approval');
  const approval = await loadApproval(paused.approval_id!);
  return review(paused.approval_id!, { type: 'approve', reviewer: 'alice', token: approval.confirmation_token });
}

async function onTarget<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await (await useAirlock()).databases.target.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

const problemsOf = (result: ExecutionResult) => onTarget((client) => backupKeyProblems(client, result));
const provenFor = (result: ExecutionResult) =>
  onTarget((client) => untouchedSinceCapture(client, quotedTable(result.changes![0]!.backup), quotedTable(table()), result.changes![0]!.keptIn!));
const backupOf = (result: ExecutionResult) => quotedTable(result.changes![0]!.backup);

describe("the verify of a cleanup's backup", () => {
  it('an untouched backup of a table nothing wrote since is proven by the capture’s transaction, and verifies', async () => {
    await seedSettled();
    const done = await cleanup();
    expect(done.status, done.reason).toBe('completed');
    const change = done.result!.changes![0]!;
    expect(change.keptIn).toEqual({ xid: expect.stringMatching(/^\d+$/), oldestRunning: expect.stringMatching(/^\d+$/) });
    expect(await provenFor(done.result!)).toBe(true);
    expect(await problemsOf(done.result!)).toEqual([]);
  });

  it('an AFTER DELETE trigger that puts the removed rows back: the proof fails, the full check catches it, the thread fails with the undo command', async () => {
    const schema = sandbox().schema;
    await sandbox().query(`
      CREATE FUNCTION ${schema}.put_back() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${schema}.sessions VALUES (OLD.id, OLD.note, false); RETURN NULL; END $$;
      CREATE TRIGGER put_back AFTER DELETE ON ${schema}.sessions FOR EACH ROW EXECUTE FUNCTION ${schema}.put_back();`);
    const done = await cleanup();
    expect(done.status).toBe('failed');
    expect(done.reason).toMatch(/backup-keys: 30 rows kept in airlock_backup\.\S+ as removed are still in .*sessions: the backup is not what statement 1 removed/);
    expect(done.reason).toMatch(/airlock undo \S+ --as NAME/);
    expect(await provenFor(done.result!)).toBe(false);
  });

  it('a backup changed after the commit (a key moved onto a row still there) fails, whether the result carries the capture’s transaction or not', async () => {
    await seedSettled();
    const done = await cleanup();
    expect(done.status, done.reason).toBe('completed');
    await sandbox().query(`UPDATE ${backupOf(done.result!)} SET id = 500 WHERE id = 1`);
    expect(await provenFor(done.result!)).toBe(false);
    const still = /1 rows kept in .* as removed are still in .*sessions/;
    expect(await problemsOf(done.result!)).toEqual([expect.stringMatching(still)]);
    // A result recorded before the capture's transaction was kept: the full checks, as before.
    const { keptIn: _keptIn, ...older } = done.result!.changes![0]!;
    expect(await problemsOf({ ...done.result!, changes: [older] })).toEqual([expect.stringMatching(still)]);
  });

  it('a row of the backup duplicated in place of another (same count) fails as rows kept twice', async () => {
    await seedSettled();
    const done = await cleanup();
    await sandbox().query(`DELETE FROM ${backupOf(done.result!)} WHERE id = 2; INSERT INTO ${backupOf(done.result!)} SELECT * FROM ${backupOf(done.result!)} WHERE id = 3`);
    expect(await problemsOf(done.result!)).toEqual([expect.stringMatching(/holds 1 rows twice \(by key\)/)]);
  });

  it('a backup dropped and forged again with the same rows, or one row’s content changed: not the tuples the capture wrote, so the full checks run', async () => {
    await seedSettled();
    const done = await cleanup();
    const backup = backupOf(done.result!);
    await sandbox().query(`UPDATE ${backup} SET note = 'forged' WHERE id = 4`);
    expect(await provenFor(done.result!)).toBe(false);
    await sandbox().query(`CREATE TABLE ${sandbox().schema}.copy AS TABLE ${backup}; DROP TABLE ${backup}; CREATE TABLE ${backup} AS TABLE ${sandbox().schema}.copy`);
    expect(await provenFor(done.result!)).toBe(false);
    // The forged copy moves a key onto a row still in the table: caught by key.
    await sandbox().query(`UPDATE ${backup} SET id = 999 WHERE id = 5`);
    expect(await problemsOf(done.result!)).toEqual([expect.stringMatching(/1 rows kept in .* as removed are still in/)]);
  });

  it('a removed key written back by a transaction that was already running during the capture is caught after its commit', async () => {
    await seedSettled();
    const older = await (await useAirlock()).databases.target.connect();
    try {
      // It has its transaction id before the capture runs.
      await older.query('BEGIN');
      await older.query(`INSERT INTO ${sandbox().schema}.elsewhere VALUES (1)`);
      const done = await cleanup();
      expect(done.status, done.reason).toBe('completed');
      await older.query(`INSERT INTO ${table()} VALUES (7, 'back', false)`);
      await older.query('COMMIT');
      expect(await provenFor(done.result!)).toBe(false);
      expect(await problemsOf(done.result!)).toEqual([expect.stringMatching(/1 rows kept in .* as removed are still in/)]);
    } finally {
      await older.query('ROLLBACK').catch(() => {});
      older.release();
    }
  });

  it('a row written to the table after the capture (not a removed key) only costs the full checks, which pass', async () => {
    await seedSettled();
    const done = await cleanup();
    await sandbox().query(`INSERT INTO ${table()} VALUES (5000, 'new', false)`);
    expect(await provenFor(done.result!)).toBe(false);
    expect(await problemsOf(done.result!)).toEqual([]);
  });
});

describe("the capture's work_mem", () => {
  it('is raised for the capture statement only: the setting in force before it is back after it, smaller or larger', async () => {
    await loadSqlParser();
    const plan = planCleanup(table(), 'stale');
    if (!plan.ok) throw new Error(plan.refusal.message);
    for (const [index, before] of ['1MB', '512MB'].entries()) {
      await onTarget(async (client) => {
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL work_mem = '${before}'`);
          const actionId = `test_work_mem_${sandbox().schema}_${index}`;
          const owner = { threadId: actionId, idempotencyKey: actionId, actionId, environment: 'development', createdAt: new Date(0) };
          const captured = await changeAndKeep(client, plan.value.statement, owner, { shape: 'rows' });
          expect(captured).toMatchObject({ deleted: 30, kept: 30 });
          expect((await client.query(`SELECT current_setting('work_mem') AS now`)).rows[0].now).toBe(before);
        } finally {
          await client.query('ROLLBACK');
        }
      });
    }
  });
});
