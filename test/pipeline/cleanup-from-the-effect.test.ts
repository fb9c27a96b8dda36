import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/pipeline/backup.ts';
import { undoPlan } from '../../src/pipeline/undo-plan.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { actionIdFor, idempotencyKeyFor } from '../../src/policy/action-identity.ts';
import { pendingInterrupts, startCleanup, type RunOutcome } from '../../src/threads/migration-runner.ts';
import { loadApproval } from '../../src/threads/load-approval.ts';
import { review } from '../../src/threads/review.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

// Issue 17, point 4: a cleanup is counted once by the dry-run (one scan) and
// once by its own DELETE … RETURNING, which also fills the backup and gives
// its fingerprint. These are the guarantees that must survive losing the
// separate recount and the second scan of the backup.

const sandbox = inProcessAirlock(
  (schema) => `
  CREATE TABLE ${schema}.sessions (
    id int PRIMARY KEY, note text, tags text[], meta jsonb, amount numeric(12, 3), seen timestamptz, raw bytea, stale boolean NOT NULL
  );
  INSERT INTO ${schema}.sessions
    SELECT n, CASE WHEN n % 7 = 0 THEN NULL ELSE 'a, "quoted" (note) ' || n || E'\\nline' END, ARRAY['x,y', NULL, 'z"'],
           jsonb_build_object('n', n, 's', 'a"b'), n * 1.125, timestamptz '2026-01-01 00:00:00+00' + n * interval '1 hour', decode(md5(n::text), 'hex'),
           n <= 30
    FROM generate_series(1, 1000) n;`,
);

const table = () => `${sandbox().schema}.sessions`;

async function pausedCleanup(predicate = 'stale'): Promise<RunOutcome & { approval_id: string }> {
  const paused = await startCleanup({ table: table(), predicate, mode: 'delete', environment: 'production', requestedBy: 'dev' });
  expect(paused.status, paused.reason).toBe('pending_approval');
  return paused as RunOutcome & { approval_id: string };
}

async function approve(approvalId: string): Promise<RunOutcome> {
  const approval = await loadApproval(approvalId);
  return review(approvalId, { type: 'approve', reviewer: 'alice', token: approval.confirmation_token });
}

async function backupsOf(threadId: string) {
  const airlock = await useAirlock();
  const { rows } = await airlock.databases.state.query<{ backup_table: string; row_count: string; fingerprint: string | null }>(
    'SELECT backup_table, row_count, fingerprint FROM airlock.backups WHERE thread_id = $1',
    [threadId],
  );
  return rows;
}

/** Where the paused thread's action, once approved, keeps its rows: `airlock_backup.<action id>`. */
async function backupTableOf(threadId: string): Promise<string> {
  const thread = await pendingInterrupts(threadId);
  return `airlock_backup.${actionIdFor(idempotencyKeyFor(threadId, thread!.values.actionHash!))}`;
}

async function exists(table: string): Promise<boolean> {
  const { rows } = await sandbox().query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  return rows[0]!.found;
}

describe('a cleanup counted and kept by its own DELETE', () => {
  it('approved: the count is the DELETE’s own, the backup holds exactly those rows, and its fingerprint (taken in the same statement) is the one a scan of the backup gives', async () => {
    const paused = await pausedCleanup();
    expect(paused.blast_radius).toMatchObject({ rows: 30, table_rows: 1000, estimated: false });
    const done = await approve(paused.approval_id);
    expect(done.status, done.reason).toBe('completed');
    expect(done.result).toMatchObject({ counted: 30, statements: [{ kind: 'DeleteStmt', command: 'DELETE', rowCount: 30 }] });
    expect(await sandbox().count('sessions')).toBe(970);
    const [backup] = await backupsOf(paused.thread_id);
    expect(backup).toMatchObject({ row_count: '30' });
    // NULLs, quotes, commas, newlines, arrays, jsonb, numeric scale, timestamps and bytea: the text form hashed is the table's.
    const airlock = await useAirlock();
    expect(backup!.fingerprint).toBe(await fingerprintOf(airlock.databases.target, backup!.backup_table.replace(/^airlock_backup\.(.*)$/, 'airlock_backup."$1"')));
    expect(backup!.fingerprint).toMatch(/^30:-?\d+$/);
    const kept = await sandbox().query(`SELECT count(*)::int AS n, bool_and(stale) AS all_stale FROM ${backup!.backup_table.replace(/^airlock_backup\.(.*)$/, 'airlock_backup."$1"')}`);
    expect(kept.rows[0]).toEqual({ n: 30, all_stale: true });
  });

  it('more rows match at execution than were approved: nothing is deleted, no backup stays, and it asks again with the new count', async () => {
    const paused = await pausedCleanup();
    const keptIn = await backupTableOf(paused.thread_id);
    // Meanwhile five more sessions go stale.
    await sandbox().query(`UPDATE ${table()} SET stale = true WHERE id BETWEEN 31 AND 35`);
    const again = await approve(paused.approval_id);
    expect(again.status).toBe('pending_approval');
    expect(again.approval_id).not.toBe(paused.approval_id);
    expect(again.blast_radius).toMatchObject({ rows: 35, table_rows: 1000 });
    expect(await sandbox().count('sessions')).toBe(1000);
    expect(await backupsOf(paused.thread_id)).toEqual([]);
    expect(await exists(keptIn)).toBe(false);

    const done = await approve(again.approval_id!);
    expect(done.status, done.reason).toBe('completed');
    expect(done.result).toMatchObject({ counted: 35 });
    expect(await sandbox().count('sessions')).toBe(965);
  });

  it('fewer rows match at execution (someone removed some): nothing is deleted, and it asks again', async () => {
    const paused = await pausedCleanup();
    await sandbox().query(`DELETE FROM ${table()} WHERE id <= 3`);
    const again = await approve(paused.approval_id);
    expect(again.status).toBe('pending_approval');
    expect(again.blast_radius).toMatchObject({ rows: 27, table_rows: 997 });
    expect(await sandbox().count('sessions')).toBe(997);
    expect(await backupsOf(paused.thread_id)).toEqual([]);
  });

  it('archive mode: a changed count rolls back the archive table, the archived rows and the delete alike', async () => {
    const paused = await startCleanup({ table: table(), predicate: 'stale', mode: 'archive', environment: 'production', requestedBy: 'dev' });
    expect(paused.status, paused.reason).toBe('pending_approval');
    await sandbox().query(`UPDATE ${table()} SET stale = true WHERE id = 500`);
    const again = await approve(paused.approval_id!);
    expect(again.status).toBe('pending_approval');
    expect(again.blast_radius).toMatchObject({ rows: 31 });
    expect(await sandbox().count('sessions')).toBe(1000);
    expect(await sandbox().tableExists('sessions_archive')).toBe(false);
    const done = await approve(again.approval_id!);
    expect(done.status, done.reason).toBe('completed');
    expect(await sandbox().count('sessions_archive')).toBe(31);
    expect(await sandbox().count('sessions')).toBe(969);
  });

  it('the backup changed after the action: undo compares it with the fingerprint taken from the effect and refuses', async () => {
    const paused = await pausedCleanup();
    const done = await approve(paused.approval_id);
    expect(done.status, done.reason).toBe('completed');
    const actionId = done.result!.actionId!;
    const airlock = await useAirlock();
    expect((await undoPlan(actionId, airlock.databases.target)).sql).toContain(`INSERT INTO`);
    await sandbox().query(`UPDATE airlock_backup."${actionId}" SET note = 'forged' WHERE id = 1`);
    await expect(undoPlan(actionId, airlock.databases.target)).rejects.toThrow(/was changed since the action ran \(same 30 rows, different content\)/);
  });

  it('a filter the one-scan count cannot read as the DELETE does (an outer aggregate) is not measured: blocked, nothing deleted', async () => {
    const outcome = await startCleanup({ table: table(), predicate: 'id = (SELECT max(id))', mode: 'delete', environment: 'production', requestedBy: 'dev' });
    expect(outcome.status).toBe('blocked');
    expect(outcome).toMatchObject({ refusal_code: 'dry-run', reason: expect.stringMatching(/aggregate functions are not allowed in WHERE; check --where/) });
    expect(await sandbox().count('sessions')).toBe(1000);
  });
});
