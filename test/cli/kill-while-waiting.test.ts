import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { runCli, startCli, allPending } from '../helpers/cli.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.sessions (id int); INSERT INTO ${db.schema}.sessions SELECT generate_series(1, 100)`);
});
afterEach(() => db.close());

async function pendingFor(sql: string, deadlineMs = 60_000) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const inbox = await allPending();
    const entry = inbox.find((a: any) => a.summary === sql.replace(/;$/, ''));
    if (entry) return entry as { approval_id: string; thread_id: string };
    await sleep(250);
  }
  throw new Error(`no pending approval for ${sql}`);
}

describe('killing the requesting process while it waits for approval', () => {
  it('loses nothing: the approval stays in the inbox and can be approved later', async () => {
    const sql = `TRUNCATE ${db.schema}.sessions;`;
    const waiting = startCli(['migrate', '-', '--env', 'production', '--as', 'agent:cleanup', '--wait'], { input: sql });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => waiting.on('exit', (_code, signal) => resolve(signal)));

    const pending = await pendingFor(sql);
    expect(waiting.exitCode).toBeNull(); // still waiting for a reviewer
    waiting.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const inbox = await allPending();
    expect(inbox.map((a: any) => a.approval_id)).toContain(pending.approval_id);
    expect(await db.count('sessions')).toBe(100);

    const token = (await runCli(['show', pending.approval_id, '--json'])).json.confirmation_token;
    const approve = await runCli(['approve', pending.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.json).toMatchObject({ status: 'completed', thread_id: pending.thread_id });
    expect(approve.json.statements).toEqual([{ kind: 'TruncateStmt', command: 'TRUNCATE', rowCount: null }]);
    expect(await db.count('sessions')).toBe(0);
  });

  it('a waiting process reports the outcome when a reviewer in another process decides', async () => {
    const sql = `TRUNCATE ${db.schema}.sessions;`;
    const waiting = runCli(['migrate', '-', '--env', 'staging', '--as', 'dev', '--wait', '--json'], { input: sql });
    const pending = await pendingFor(sql);
    const token = (await runCli(['show', pending.approval_id, '--json'])).json.confirmation_token;
    expect((await runCli(['approve', pending.approval_id, '--as', 'alice', '--token', token])).code).toBe(0);
    const finished = await waiting;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.json).toMatchObject({ status: 'completed', approval_id: pending.approval_id });
    expect(await db.count('sessions')).toBe(0);
  });
});
