import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, allPending } from '../helpers/cli.ts';
import { expectBackupKeysMatch, rowsById } from '../holes/helpers.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { cliEnv } from '../helpers/cli.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text, last_login timestamptz);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x', CASE WHEN n <= 300 THEN now() - n * interval '1 day' END FROM generate_series(1, 1000) n;
    CREATE TABLE ${db.schema}.sessions (id int PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO ${db.schema}.sessions SELECT n, CASE WHEN n <= 30 THEN now() - interval '40 days' ELSE now() - interval '1 day' END FROM generate_series(1, 1000) n;
  `);
});
afterEach(() => db.close());

describe('airlock cleanup', () => {
  it('"remove stale users" matching 70% of the table is blocked over the cap, before anyone is asked, and nothing changes', async () => {
    const result = await runCli(
      ['cleanup', '--table', `${db.schema}.users`, '--where', 'last_login IS NULL', '--env', 'production', '--as', 'dev', '--json'],
    );
    expect(result.code, result.stderr).toBe(4);
    expect(result.json).toMatchObject({ status: 'blocked', blast_radius: { rows: 700, table_rows: 1000, pct: 70, estimated: false } });
    expect(result.json.reason).toMatch(/700 of 1000 rows \(70%\) is over production's cap of 50% .*blast-radius-cap/);
    expect(result.json.approval_id).toBeUndefined();
    expect(await db.count('users')).toBe(1000);
  });

  it('a cleanup under the cap pauses with the real figures and samples; approved, it deletes exactly those rows', async () => {
    const paused = await runCli(
      ['cleanup', '--table', `${db.schema}.sessions`, '--where', "created_at < now() - interval '30 days'", '--env', 'production', '--as', 'dev', '--json'],
    );
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json).toMatchObject({ status: 'pending_approval', blast_radius: { rows: 30, table_rows: 1000, pct: 3 } });
    expect(paused.json.blast_radius.samples.length).toBeGreaterThan(0);
    const inbox = await allPending();
    expect(inbox.find((a: any) => a.approval_id === paused.json.approval_id).blast_radius).toMatchObject({ rows: 30, pct: 3 });
    const show = await runCli(['show', paused.json.approval_id, '--json']);
    expect(show.json.blast_radius).toMatchObject({ rows: 30, table_rows: 1000 });
    expect(await db.count('sessions')).toBe(1000);
    const keysBefore = await rowsById(db, 'sessions');
    const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', show.json.confirmation_token, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json.statements).toEqual([{ kind: 'DeleteStmt', command: 'DELETE', rowCount: 30 }]);
    expect(await db.count('sessions')).toBe(970);
    // The backup holds exactly the removed rows, by key.
    await expectBackupKeysMatch(db, keysBefore, await rowsById(db, 'sessions'), `airlock_backup.${approved.json.action_id}`);
  });

  it('refuses a filter that writes, smuggles a statement, or names an unknown table: nothing changes', async () => {
    const attempts: [string, string, RegExp, number][] = [
      [`${db.schema}.users`, 'true; DROP TABLE users', /one filter|do not parse|nothing else/, 2],
      [`${db.schema}.users`, 'pg_terminate_backend(1)', /must only read/, 2],
      [`${db.schema}.users`, 'id IN (WITH d AS (DELETE FROM x RETURNING id) SELECT id FROM d)', /must only read|do not parse/, 2],
      [`${db.schema}.no_such_table`, 'id = 1', /there is no table/, 2],
    ];
    for (const [table, where, message] of attempts) {
      const result = await runCli(['cleanup', '--table', table, '--where', where, '--env', 'production', '--as', 'dev', '--json']);
      expect([2, 4], `${where}: ${result.stderr}`).toContain(result.code);
      expect(result.json.reason ?? result.json.error).toMatch(message);
    }
    expect(await db.count('users')).toBe(1000);
  });

  it('airlock undo brings back the same 30 rows, byte for byte, and only once', async () => {
    // Byte for byte: each row as Postgres's own text (microseconds included), not as JavaScript values.
    const rowsAsText = `SELECT s::text AS row FROM ${db.schema}.sessions s WHERE created_at < now() - interval '30 days' ORDER BY id`;
    const before = await db.query(rowsAsText);
    expect(before.rows).toHaveLength(30);
    const paused = await runCli(
      ['cleanup', '--table', `${db.schema}.sessions`, '--where', "created_at < now() - interval '30 days'", '--env', 'production', '--as', 'dev', '--json'],
    );
    const token = (await runCli(['show', paused.json.approval_id, '--json'])).json.confirmation_token;
    const keysBefore = await rowsById(db, 'sessions');
    const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    await expectBackupKeysMatch(db, keysBefore, await rowsById(db, 'sessions'), `airlock_backup.${approved.json.action_id}`);
    expect(approved.json.backups).toEqual([{ source: `${db.schema}.sessions`, backup: `airlock_backup.${approved.json.action_id}`, rows: 30, kind: 'rows' }]);
    expect(await db.count('sessions')).toBe(970);

    // The undo is an action like any other: in production, a write needs approval.
    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3);
    const restored = await runCli(['approve', undo.json.approval_id, '--as', 'alice', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    const after = await db.query(rowsAsText);
    expect(after.rows).toEqual(before.rows);
    expect(await db.count('sessions')).toBe(1000);

    const again = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(again.code).toBe(2);
    expect(again.json.error).toMatch(/already undone/);
    expect((await runCli(['undo', 'act_000000000000', '--as', 'dev', '--json'])).code).toBe(2);
  });

  it('a migration’s DROP TABLE can be undone: the table and its rows return', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TABLE ${db.schema}.users;` });
    const token = (await runCli(['show', paused.json.approval_id, '--json'])).json.confirmation_token;
    const dropped = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(await db.tableExists('users')).toBe(false);

    const undo = await runCli(['undo', dropped.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3);
    const undoToken = (await runCli(['show', undo.json.approval_id, '--json'])).json.confirmation_token;
    const restored = await runCli(['approve', undo.json.approval_id, '--as', 'alice', '--token', undoToken, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await db.tableExists('users')).toBe(true);
    expect(await db.count('users')).toBe(1000);
  });

  it('when the matching rows change between approval and execution, execution refuses and asks again', async () => {
    const paused = await runCli(
      ['cleanup', '--table', `${db.schema}.sessions`, '--where', "created_at < now() - interval '30 days'", '--env', 'production', '--as', 'dev', '--json'],
    );
    expect(paused.json.blast_radius.rows).toBe(30);
    const token = (await runCli(['show', paused.json.approval_id, '--json'])).json.confirmation_token;
    // Meanwhile, five more sessions grow old.
    await db.query(`UPDATE ${db.schema}.sessions SET created_at = now() - interval '45 days' WHERE id BETWEEN 31 AND 35`);

    const first = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(first.code, first.stderr).toBe(3);
    expect(first.json).toMatchObject({ status: 'pending_approval', blast_radius: { rows: 35, table_rows: 1000 } });
    expect(first.json.approval_id).not.toBe(paused.json.approval_id);
    expect(await db.count('sessions')).toBe(1000);

    // The first approval was for 30 rows; it cannot be used again. The new one shows 35.
    const reused = await runCli(['approve', paused.json.approval_id, '--as', 'bob', '--token', token, '--json']);
    expect(reused.code).toBe(2);
    const show = await runCli(['show', first.json.approval_id, '--json']);
    expect(show.json.blast_radius).toMatchObject({ rows: 35 });
    expect(show.json.confirmation_token).not.toBe(token);
    // A cleanup removes rows: destructive, so the new approval needs its own token.
    const second = await runCli(['approve', first.json.approval_id, '--as', 'alice', '--token', show.json.confirmation_token, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.statements).toEqual([{ kind: 'DeleteStmt', command: 'DELETE', rowCount: 35 }]);
    expect(await db.count('sessions')).toBe(965);
  });

  it('a failing smoke query after execution halts the thread as failed and prints the undo command', async () => {
    const policy = writePolicy({
      ...STRICT_POLICY,
      environments: {
        ...STRICT_POLICY.environments,
        production: {
          ...STRICT_POLICY.environments.production,
          smokeQueries: [{ name: 'sessions-still-complete', sql: `SELECT count(*) FROM ${db.schema}.sessions`, expect: 1000 }],
        },
      },
    });
    const env = cliEnv({ AIRLOCK_POLICY: policy });
    const paused = await runCli(
      ['cleanup', '--table', `${db.schema}.sessions`, '--where', "created_at < now() - interval '30 days'", '--env', 'production', '--as', 'dev', '--json'],
      { env },
    );
    expect(paused.code, paused.stderr).toBe(3);
    const cleanupToken = (await runCli(['show', paused.json.approval_id, '--json'], { env })).json.confirmation_token;
    const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', cleanupToken, '--json'], { env });
    expect(approved.code).toBe(1);
    expect(approved.json.status).toBe('failed');
    expect(approved.json.reason).toMatch(/sessions-still-complete: expected 1000, got "?970"?/);
    expect(approved.json.reason).toContain(`airlock undo ${approved.json.action_id} --as NAME`);
    const history = await runCli(['history', approved.json.thread_id, '--json'], { env });
    expect(history.json.audit.map((a: any) => `${a.step}:${a.outcome}`).slice(-2)).toEqual(['verify:failed', 'audit:failed']);
  });
});
