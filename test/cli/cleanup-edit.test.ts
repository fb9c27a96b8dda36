import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clockAhead, cliEnv, runCli, allPending } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

/**
 * A reviewer edits a cleanup's filter (`airlock edit`): the edited filter is
 * checked from prepare on (parse, classify, permit, dry-run with the caps),
 * waits for a new approval, and runs once. Before the one graph builder, the
 * cleanup graph had no way back after an edit: the thread wrote "Migration
 * running" to the audit trail and stayed unfinished for good.
 */

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.sessions (id int PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO ${db.schema}.sessions SELECT n, CASE WHEN n <= 30 THEN now() - interval '40 days' ELSE now() - interval '1 day' END FROM generate_series(1, 1000) n;
  `);
});
afterEach(() => db.close());

const OLD_SESSIONS = "created_at < now() - interval '30 days'";

async function pauseCleanup(where = OLD_SESSIONS) {
  const paused = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', where, '--env', 'production', '--as', 'dev', '--json']);
  expect(paused.code, paused.stderr).toBe(3);
  return { id: paused.json.approval_id as string, thread: paused.json.thread_id as string, token: await tokenOf(paused.json.approval_id) };
}

async function tokenOf(approvalId: string): Promise<string> {
  return (await runCli(['show', approvalId, '--json'])).json.confirmation_token;
}

function edit(approvalId: string, token: string, text: string, env?: NodeJS.ProcessEnv) {
  return runCli(['edit', approvalId, '-', '--as', 'alice', '--token', token, '--json'], { input: text, ...(env ? { env } : {}) });
}

async function ids(): Promise<number[]> {
  return (await db.query(`SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM ${db.schema}.sessions`)).rows[0].ids;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** How the thread stands now: `airlock resume` on a finished thread only reports it. */
async function threadState(thread: string) {
  const resumed = await runCli(['resume', thread, '--json']);
  return { code: resumed.code, ...resumed.json } as Record<string, any>;
}

async function trail(thread: string): Promise<{ step: string; outcome: string; message: string }[]> {
  return (await runCli(['history', thread, '--json'])).json.audit;
}

describe('airlock edit on a cleanup', () => {
  it('an edit within the cap is measured again and waits for a new approval; approved, it deletes exactly the edited rows, once', async () => {
    const original = await pauseCleanup();
    const edited = await edit(original.id, original.token, 'id BETWEEN 500 AND 519');
    expect(edited.code, edited.stderr).toBe(3);
    expect(edited.json).toMatchObject({ status: 'pending_approval', thread_id: original.thread, blast_radius: { rows: 20, table_rows: 1000, pct: 2 } });
    const newId = edited.json.approval_id as string;
    expect(newId).not.toBe(original.id);
    expect(await db.count('sessions')).toBe(1000);

    const old = await runCli(['show', original.id, '--json']);
    expect(old.json).toMatchObject({ status: 'edited', decided_by: 'alice', reason: expect.stringMatching(/^edited by alice/) });
    const shown = await runCli(['show', newId, '--json']);
    expect(shown.json).toMatchObject({ status: 'pending', blast_radius: { rows: 20 } });
    expect(shown.json.sql).toMatch(/500 AND 519/);
    const inbox = await allPending();
    const listed = inbox.map((a: any) => a.approval_id);
    expect(listed).toContain(newId);
    expect(listed).not.toContain(original.id);

    // The old token is bound to the old action: refused for the new one.
    const stale = await runCli(['approve', newId, '--as', 'bob', '--token', original.token, '--json']);
    expect(stale.code).toBe(2);
    expect(await db.count('sessions')).toBe(1000);

    const approved = await runCli(['approve', newId, '--as', 'bob', '--token', shown.json.confirmation_token, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json).toMatchObject({ status: 'completed', thread_id: original.thread, approval_id: newId });
    expect(approved.json.statements).toEqual([{ kind: 'DeleteStmt', command: 'DELETE', rowCount: 20 }]);
    expect(await ids()).toEqual([...range(1, 499), ...range(520, 1000)]);

    const audit = await trail(original.thread);
    expect(audit.map((a) => `${a.step}:${a.outcome}`)).toEqual([
      'classify:destructive', 'permit:approve', 'dry-run:measured', 'approve:pending_approval', 'approve:edited',
      'classify:destructive', 'permit:approve', 'dry-run:measured', 'approve:pending_approval', 'approve:refused', 'approve:approved',
      'execute:started', 'execute:completed', 'verify:verified', 'audit:completed',
    ]);
    expect(audit.map((a) => a.message).join('\n')).not.toMatch(/migration/i);
    expect(audit.at(-1)!.message).toMatch(/^Cleanup completed in production/);

    // Once: approving again, or resuming, runs nothing more.
    const again = await runCli(['approve', newId, '--as', 'bob', '--token', shown.json.confirmation_token, '--json']);
    expect(again.code).toBe(2);
    expect(await threadState(original.thread)).toMatchObject({ code: 0, status: 'completed', resumed: false });
    expect(await db.count('sessions')).toBe(980);
    expect((await trail(original.thread)).filter((a) => a.step === 'execute' && a.outcome === 'completed')).toHaveLength(1);
    const old2 = await runCli(['show', original.id, '--json']);
    expect(old2.json.status).toBe('edited');
  });

  it('an edit written as the DELETE the approval shows works too', async () => {
    const original = await pauseCleanup();
    const edited = await edit(original.id, original.token, `DELETE FROM ${db.schema}.sessions WHERE id <= 5 -- only the oldest five`);
    expect(edited.code, edited.stderr).toBe(3);
    expect(edited.json.blast_radius).toMatchObject({ rows: 5 });
    const approved = await runCli(['approve', edited.json.approval_id, '--as', 'bob', '--token', await tokenOf(edited.json.approval_id), '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(await ids()).toEqual(range(6, 1000));
  });

  it('an edit over the cap is blocked before anyone is asked, and the thread ends blocked', async () => {
    const original = await pauseCleanup();
    const edited = await edit(original.id, original.token, 'id <= 600');
    expect(edited.code, edited.stderr).toBe(4);
    expect(edited.json).toMatchObject({ status: 'blocked', blast_radius: { rows: 600, pct: 60 } });
    expect(edited.json.reason).toMatch(/over production's cap of 50%.*blast-radius-cap/);
    expect(await db.count('sessions')).toBe(1000);
    expect(await threadState(original.thread)).toMatchObject({ code: 4, status: 'blocked', resumed: false });
    expect((await allPending()).filter((a: any) => a.thread_id === original.thread)).toEqual([]);
    const audit = await trail(original.thread);
    expect(audit.at(-1)).toMatchObject({ step: 'audit', outcome: 'blocked' });
    expect(audit.at(-1)!.message).toMatch(/^Cleanup blocked/);
  });

  it('an edit that deletes everything is blocked by the cap, whichever way it is written', async () => {
    for (const everything of ['true', `DELETE FROM ${db.schema}.sessions`, '1 = 1 OR id IS NULL']) {
      const original = await pauseCleanup();
      const edited = await edit(original.id, original.token, everything);
      expect(edited.code, `${everything}: ${edited.stderr}`).toBe(4);
      expect(edited.json).toMatchObject({ status: 'blocked', blast_radius: { rows: 1000, pct: 100 } });
      expect(await threadState(original.thread)).toMatchObject({ status: 'blocked' });
    }
    expect(await db.count('sessions')).toBe(1000);
  });

  it('an edit that does not parse, smuggles a statement or writes is refused, and the thread ends', async () => {
    // Text that is not SQL is bad input (exit 2); a filter that would write is blocked by policy (exit 4).
    const attempts: [string, number][] = [
      ['id <=', 2],
      ['true; DROP TABLE sessions', 2],
      [`DELETE FROM ${db.schema}.other WHERE true`, 2],
      ['pg_terminate_backend(1)', 4],
    ];
    for (const [bad, code] of attempts) {
      const original = await pauseCleanup();
      const edited = await edit(original.id, original.token, bad);
      expect(edited.code, `${bad}: ${edited.stderr}`).toBe(code);
      expect(edited.json.status).toBe('blocked');
      const after = await threadState(original.thread);
      expect(after).toMatchObject({ code, status: 'blocked', resumed: false });
      expect(after.in_progress).toBeUndefined();
      const audit = await trail(original.thread);
      expect(audit.at(-1)!.message).toMatch(/^Cleanup blocked/);
    }
    expect(await db.count('sessions')).toBe(1000);
    expect(await db.tableExists('sessions')).toBe(true);
  });

  it('an edit after the approval expired is refused, the thread ends rejected, and nothing runs', async () => {
    const original = await pauseCleanup();
    const late = await edit(original.id, original.token, 'id <= 5', cliEnv({ AIRLOCK_NOW: clockAhead('73h') }));
    expect(late.code).toBe(2);
    expect(late.json.error).toMatch(/expired/);
    expect(await db.count('sessions')).toBe(1000);
    expect((await runCli(['show', original.id, '--json'])).json).toMatchObject({ status: 'rejected', decided_by: 'airlock', reason: 'expired' });
    expect(await threadState(original.thread)).toMatchObject({ status: 'rejected', resumed: false });
    const audit = await trail(original.thread);
    expect(audit.find((a) => a.step === 'audit')).toMatchObject({ outcome: 'rejected', message: expect.stringMatching(/^Cleanup rejected/) });
    expect(audit.at(-1)).toMatchObject({ step: 'edit', outcome: 'refused' });
  });

  it('edited twice, the second edit replaces the first; the first approval cannot be edited again; only the last runs', async () => {
    const original = await pauseCleanup();
    const first = await edit(original.id, original.token, 'id <= 10');
    expect(first.code, first.stderr).toBe(3);
    const second = await edit(first.json.approval_id, await tokenOf(first.json.approval_id), 'id BETWEEN 900 AND 903');
    expect(second.code, second.stderr).toBe(3);
    expect(second.json.blast_radius).toMatchObject({ rows: 4 });
    const replayed = await edit(original.id, original.token, 'id <= 20');
    expect(replayed.code).toBe(2);
    expect(replayed.json.error).toMatch(/already edited/);
    expect((await runCli(['show', first.json.approval_id, '--json'])).json.status).toBe('edited');

    const approved = await runCli(['approve', second.json.approval_id, '--as', 'bob', '--token', await tokenOf(second.json.approval_id), '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(await ids()).toEqual([...range(1, 899), ...range(904, 1000)]);
    expect(await threadState(original.thread)).toMatchObject({ status: 'completed' });
  });
});
