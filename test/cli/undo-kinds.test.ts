import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, allPending } from '../helpers/cli.ts';
import { expectBackupKeysMatch, rowsById } from '../holes/helpers.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.sessions (id int PRIMARY KEY, created_at timestamptz NOT NULL, token text);
    INSERT INTO ${db.schema}.sessions SELECT n, CASE WHEN n <= 30 THEN now() - interval '40 days' ELSE now() END, md5(n::text) FROM generate_series(1, 1000) n;
    CREATE TABLE ${db.schema}.accounts (id int PRIMARY KEY, email text, legacy_notes jsonb);
    INSERT INTO ${db.schema}.accounts SELECT n, 'a' || n || '@x', jsonb_build_object('n', n, 'note', 'kept ' || n) FROM generate_series(1, 200) n;
  `);
});
afterEach(() => db.close());

const OLD = "created_at < now() - interval '30 days'";

async function approveWithToken(approvalId: string) {
  const token = (await runCli(['show', approvalId, '--json'])).json.confirmation_token;
  return runCli(['approve', approvalId, '--as', 'alice', '--token', token, '--json']);
}

describe('archive mode', () => {
  it('moves the 30 rows into sessions_archive (tagged with the thread), keeps a backup, and undo puts them back and out of the archive', async () => {
    const before = await db.query(`SELECT * FROM ${db.schema}.sessions WHERE ${OLD} ORDER BY id`);
    const paused = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', OLD, '--mode', 'archive', '--env', 'production', '--as', 'dev', '--json']);
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 30, table_rows: 1000 });
    const show = await runCli(['show', paused.json.approval_id, '--json']);
    const undoPath = show.json.undo as string;
    expect(undoPath).toMatch(/^the rows are kept in airlock_backup\.(act_[0-9a-f]{12}), moved to .*sessions_archive; undo: airlock undo act_[0-9a-f]{12} --as NAME$/);
    expect((await runCli(['show', paused.json.approval_id])).stdout).toContain(`Kept before it runs: ${undoPath}`);
    const keysBefore = await rowsById(db, 'sessions');
    const approved = await approveWithToken(paused.json.approval_id);
    await expectBackupKeysMatch(db, keysBefore, await rowsById(db, 'sessions'), `airlock_backup.${approved.json.action_id}`);
    expect(undoPath).toContain(`airlock undo ${approved.json.action_id} --as NAME`); // the path shown is the one taken
    const history = await runCli(['history', approved.json.thread_id, '--json']);
    expect(history.json.audit.find((a: any) => a.step === 'approve' && a.outcome === 'pending_approval').message).toContain(undoPath);
    expect(history.json.audit.find((a: any) => a.step === 'execute' && a.outcome === 'completed').message).toContain(
      `To undo: airlock undo ${approved.json.action_id} --as NAME.`,
    );
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json.backups).toEqual([{ source: `${db.schema}.sessions`, backup: `airlock_backup.${approved.json.action_id}`, rows: 30, kind: 'archived' }]);
    expect(await db.count('sessions')).toBe(970);
    const archived = await db.query(`SELECT id, created_at, token, airlock_thread_id FROM ${db.schema}.sessions_archive ORDER BY id`);
    expect(archived.rows.map(({ airlock_thread_id: _, ...row }) => row)).toEqual(before.rows);
    expect(new Set(archived.rows.map((row) => row.airlock_thread_id))).toEqual(new Set([approved.json.thread_id]));

    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3);
    const restored = await approveWithToken(undo.json.approval_id);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await db.count('sessions')).toBe(1000);
    expect((await db.query(`SELECT * FROM ${db.schema}.sessions WHERE ${OLD} ORDER BY id`)).rows).toEqual(before.rows);
    expect(await db.count('sessions_archive')).toBe(0);
  });

  it('an unknown mode is refused before anything runs', async () => {
    const result = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', OLD, '--mode', 'shred', '--env', 'production', '--as', 'dev', '--json']);
    expect(result.code).toBe(2);
    expect(result.json.error).toMatch(/--mode shred is not a mode: use --mode delete, or --mode archive/);
    expect(await db.count('sessions')).toBe(1000);
  });
});

describe('DROP COLUMN', () => {
  it("keeps the column's values with the primary key; undo brings the column and every value back", async () => {
    const before = await db.query(`SELECT id, legacy_notes FROM ${db.schema}.accounts ORDER BY id`);
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `ALTER TABLE ${db.schema}.accounts DROP COLUMN legacy_notes;`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    const dropped = await approveWithToken(paused.json.approval_id);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.json.backups).toEqual([
      { source: `${db.schema}.accounts`, backup: `airlock_backup.${dropped.json.action_id}_col_1`, rows: 200, kind: 'column' },
    ]);
    const kept = await db.query(`SELECT * FROM airlock_backup.${dropped.json.action_id}_col_1 LIMIT 1`);
    expect(Object.keys(kept.rows[0])).toEqual(['id', 'legacy_notes']); // the key and the column, not the whole table
    await expect(db.query(`SELECT legacy_notes FROM ${db.schema}.accounts`)).rejects.toThrow(/does not exist/);

    const undo = await runCli(['undo', dropped.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3);
    const restored = await approveWithToken(undo.json.approval_id);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await db.query(`SELECT id, legacy_notes FROM ${db.schema}.accounts ORDER BY id`)).rows).toEqual(before.rows);
  });
});

describe('a backup changed since the action ran', () => {
  it('is refused by undo (exit 4), and nothing changes', async () => {
    const paused = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', OLD, '--env', 'production', '--as', 'dev', '--json']);
    const keysBefore = await rowsById(db, 'sessions');
    const approved = await approveWithToken(paused.json.approval_id);
    expect(approved.code, approved.stderr).toBe(0);
    const backup = `airlock_backup.${approved.json.action_id}`;
    await expectBackupKeysMatch(db, keysBefore, await rowsById(db, 'sessions'), backup);

    // By hand, outside Airlock: one value changed, same number of rows.
    await db.query(`UPDATE ${backup} SET token = 'forged' WHERE id = 1`);
    const edited = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(edited.code).toBe(4);
    expect(edited.json.error).toMatch(new RegExp(`the backup ${backup} of ${approved.json.action_id} was changed since the action ran \\(same 30 rows, different content\\)`));

    await db.query(`DELETE FROM ${backup} WHERE id = 2`);
    const shrunk = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(shrunk.code).toBe(4);
    expect(shrunk.json.error).toMatch(/30 rows then, 29 now/);
    expect(await db.count('sessions')).toBe(970);
    expect((await allPending()).filter((a: any) => a.thread_id === `undo-${approved.json.action_id}`)).toEqual([]);
  });

  it('cannot be changed through Airlock itself: the airlock-backups rule forbids it', async () => {
    const paused = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', OLD, '--env', 'production', '--as', 'dev', '--json']);
    const approved = await approveWithToken(paused.json.approval_id);
    const attack = await runCli(['migrate', '-', '--env', 'production', '--as', 'agent:bot', '--json'], {
      input: `DELETE FROM airlock_backup.${approved.json.action_id};`,
    });
    expect(attack.code).toBe(4);
    expect(attack.json.reason ?? attack.json.error).toMatch(/airlock-backups|airlock_backup/);
    expect((await db.query(`SELECT count(*)::int AS n FROM airlock_backup.${approved.json.action_id}`)).rows[0].n).toBe(30);
  });
});
