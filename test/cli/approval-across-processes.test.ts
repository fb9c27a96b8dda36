import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { runCli, allPending } from '../helpers/cli.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int); INSERT INTO ${db.schema}.t VALUES (1), (2), (3)`);
});
afterEach(() => db.close());

async function pauseDropTable() {
  const migrate = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
    input: `DROP TABLE ${db.schema}.t;`,
  });
  expect(migrate.code, migrate.stderr).toBe(3);
  expect(migrate.json.status).toBe('pending_approval');
  return migrate.json as { approval_id: string; thread_id: string };
}

describe('a DROP TABLE in production, across separate OS processes', () => {
  it('pauses in one process, is listed by a second, and is approved with the token by a third', async () => {
    const paused = await pauseDropTable();
    expect(await db.count('t')).toBe(3);

    const inbox = await allPending();
    const listed = inbox.find((a: any) => a.approval_id === paused.approval_id);
    expect(listed).toMatchObject({ thread_id: paused.thread_id, environment: 'production', tier: 'destructive', requested_by: 'dev' });

    const show = await runCli(['show', paused.approval_id, '--json']);
    expect(show.code).toBe(0);
    expect(show.json).toMatchObject({ status: 'pending', sql: `DROP TABLE ${db.schema}.t;`, rules: expect.arrayContaining(['ban-drop-table']) });
    const token = show.json.confirmation_token as string;
    expect(token).toMatch(/^\d{8}-drop-t-[0-9a-f]{4}$/);

    const approve = await runCli(['approve', paused.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.json).toMatchObject({ thread_id: paused.thread_id, status: 'completed', approval_id: paused.approval_id });
    expect(await db.tableExists('t')).toBe(false);
    // The dropped table was moved to the trash instead, in the same transaction.
    expect(approve.json.backups).toEqual([
      { source: `${db.schema}.t`, backup: expect.stringMatching(/^airlock_trash\.act_/), rows: 3, kind: 'table' },
    ]);
    const { rows: kept } = await db.query(`SELECT count(*)::int AS n FROM ${approve.json.backups[0].backup}`);
    expect(kept).toEqual([{ n: 3 }]);

    const inboxAfter = await allPending();
    expect(inboxAfter.map((a: any) => a.approval_id)).not.toContain(paused.approval_id);

    const history = await runCli(['history', paused.thread_id, '--json']);
    expect(history.code).toBe(0);
    expect(history.json.audit.map((a: any) => `${a.step}:${a.outcome}`)).toEqual([
      'classify:destructive',
      'permit:approve',
      'approve:pending_approval',
      'approve:approved',
      'execute:started',
      'execute:completed',
      'verify:verified',
      'audit:completed',
    ]);
    expect(history.json.checkpoints.length).toBeGreaterThan(3);
  });

  it('refuses a wrong or missing token with exit 2, and the table stays', async () => {
    const paused = await pauseDropTable();
    const missing = await runCli(['approve', paused.approval_id, '--as', 'alice', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json.error).toMatch(/confirmation token/);
    const wrong = await runCli(['approve', paused.approval_id, '--as', 'alice', '--token', '20261122-drop-t-0000', '--json']);
    expect(wrong.code).toBe(2);
    expect(wrong.json.error).toMatch(/does not match/);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);

    expect(await db.count('t')).toBe(3);
    const show = await runCli(['show', paused.approval_id, '--json']);
    expect(show.json.status).toBe('pending');
    const history = await runCli(['history', paused.thread_id, '--json']);
    expect(history.json.audit.filter((a: any) => a.outcome === 'refused')).toHaveLength(2);
  });

  it('never lets the requester approve their own action in production', async () => {
    const paused = await pauseDropTable();
    const token = (await runCli(['show', paused.approval_id, '--json'])).json.confirmation_token;
    const self = await runCli(['approve', paused.approval_id, '--as', 'dev', '--token', token]);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/cannot also approve/);
    expect(await db.count('t')).toBe(3);
  });

  it('a rejection ends the thread, records the reason and runs nothing', async () => {
    const paused = await pauseDropTable();
    const reject = await runCli(['reject', paused.approval_id, '--as', 'alice', '--reason', 'wrong database', '--json']);
    expect(reject.code, reject.stderr).toBe(0);
    expect(reject.json).toMatchObject({ status: 'rejected', thread_id: paused.thread_id });
    expect(reject.json.reason).toMatch(/wrong database/);
    expect(await db.count('t')).toBe(3);

    const show = await runCli(['show', paused.approval_id, '--json']);
    expect(show.json).toMatchObject({ status: 'rejected', decided_by: 'alice', reason: 'wrong database', outcome: 'rejected' });

    const again = await runCli(['approve', paused.approval_id, '--as', 'bob', '--token', show.json.confirmation_token, '--json']);
    expect(again.code).toBe(2);
    expect(again.json.error).toMatch(/already rejected by alice at /);
    expect(await db.count('t')).toBe(3);
  });

  it('a reviewer whose approve crashed after deciding can repeat it, and the waiting thread then runs once', async () => {
    const paused = await pauseDropTable();
    const token = (await runCli(['show', paused.approval_id, '--json'])).json.confirmation_token;
    // The state an approve leaves when it dies between the decision and the resume.
    const state = new pg.Client({ connectionString: inject('stateUrl') });
    await state.connect();
    await state.query("UPDATE airlock.approvals SET status = 'approved', decided_by = 'alice', decided_at = now() WHERE approval_id = $1", [
      paused.approval_id,
    ]);
    await state.end();
    expect(await db.count('t')).toBe(3);

    const other = await runCli(['approve', paused.approval_id, '--as', 'bob', '--token', token, '--json']);
    expect(other.code).toBe(2);
    expect(other.json.error).toMatch(/already approved by alice/);
    expect(await db.tableExists('t')).toBe(true);

    const retry = await runCli(['approve', paused.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.json.status).toBe('completed');
    expect(await db.tableExists('t')).toBe(false);
  });
});
