import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.sessions (id int PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO ${db.schema}.sessions SELECT n, CASE WHEN n <= 30 THEN now() - interval '40 days' ELSE now() - interval '1 day' END FROM generate_series(1, 1000) n;`);
});
afterEach(() => db.close());

const OLD = "created_at < now() - interval '30 days'";

/** A production cleanup of the 30 old sessions, approved: its action id. */
async function cleanedUp(): Promise<string> {
  const paused = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', OLD, '--env', 'production', '--as', 'dev', '--json']);
  expect(paused.code, paused.stderr).toBe(3);
  const token = (await runCli(['show', paused.json.approval_id, '--json'])).json.confirmation_token;
  const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token, '--json']);
  expect(approved.code, approved.stderr).toBe(0);
  expect(await db.count('sessions')).toBe(970);
  return approved.json.action_id;
}

describe('an undo that was turned down can be asked for again', () => {
  it('after a rejected undo, airlock undo opens a new undo approval, and approving it restores the rows once', async () => {
    const actionId = await cleanedUp();
    const first = await runCli(['undo', actionId, '--as', 'dev', '--json']);
    expect(first.code, first.stderr).toBe(3);
    // While it waits, a second undo is refused and points at the waiting one.
    const waiting = await runCli(['undo', actionId, '--as', 'dev', '--json']);
    expect(waiting.code).toBe(2);
    expect(waiting.json.error).toBe(`${actionId}'s undo is already waiting for approval (${first.json.approval_id}): see "airlock show ${first.json.approval_id}"`);

    const rejected = await runCli(['reject', first.json.approval_id, '--as', 'alice', '--reason', 'not yet', '--json']);
    expect(rejected.json.status).toBe('rejected');
    expect(await db.count('sessions')).toBe(970);

    const second = await runCli(['undo', actionId, '--as', 'dev', '--json']);
    expect(second.code, second.stderr).toBe(3);
    expect(second.json.approval_id).not.toBe(first.json.approval_id);
    expect(second.json.thread_id).toBe(`undo-${actionId}-2`);
    const restored = await runCli(['approve', second.json.approval_id, '--as', 'alice', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await db.count('sessions')).toBe(1000);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${db.schema}.sessions WHERE ${OLD}`)).rows[0].n).toBe(30);

    // Put back once: a third undo is refused, and names the undo that did it.
    const third = await runCli(['undo', actionId, '--as', 'dev', '--json']);
    expect(third.code).toBe(2);
    expect(third.json.error).toBe(`${actionId} was already undone by undo-${actionId}-2 (completed): see "airlock history undo-${actionId}-2"`);
    expect(await db.count('sessions')).toBe(1000);
  });
});
