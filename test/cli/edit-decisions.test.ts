import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int); INSERT INTO ${db.schema}.t VALUES (1), (2), (3)`);
});
afterEach(() => db.close());

async function pause(sql: string) {
  const result = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: sql });
  expect(result.code, result.stderr).toBe(3);
  const show = await runCli(['show', result.json.approval_id, '--json']);
  return { id: result.json.approval_id as string, thread: result.json.thread_id as string, token: show.json.confirmation_token as string };
}

describe('edit decisions', () => {
  it('an edit that lowers the tier is checked again and runs on the editor’s approval; the old SQL never runs', async () => {
    const original = await pause(`TRUNCATE ${db.schema}.t;`);
    const edited = await runCli(['edit', original.id, '-', '--as', 'alice', '--token', original.token, '--json'], {
      input: `UPDATE ${db.schema}.t SET id = 10 WHERE id = 1;`,
    });
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.json).toMatchObject({ status: 'completed', tier: 'write', thread_id: original.thread });
    expect(edited.json.approval_id).not.toBe(original.id);
    expect((await db.query(`SELECT array_agg(id ORDER BY id) AS ids FROM ${db.schema}.t`)).rows[0].ids).toEqual([2, 3, 10]);
    const old = await runCli(['show', original.id, '--json']);
    expect(old.json).toMatchObject({ status: 'edited', decided_by: 'alice', reason: expect.stringMatching(/^edited by alice/) });
    const history = await runCli(['history', original.thread, '--json']);
    const steps = history.json.audit.map((a: any) => `${a.step}:${a.outcome}`);
    expect(steps).toEqual([
      'classify:destructive', 'permit:approve', 'approve:pending_approval', 'approve:edited',
      'classify:write', 'permit:approve', 'dry-run:measured', 'approve:pending_approval', 'approve:approved',
      'execute:started', 'execute:completed', 'verify:verified', 'audit:completed',
    ]);
  });

  it('an edit that raises the tier needs a new approval, and the old token is refused for it', async () => {
    const original = await pause(`UPDATE ${db.schema}.t SET id = 10 WHERE id = 1;`);
    const edited = await runCli(['edit', original.id, '-', '--as', 'alice', '--json'], { input: `DROP TABLE ${db.schema}.t;` });
    expect(edited.code, edited.stderr).toBe(3);
    expect(edited.json).toMatchObject({ status: 'pending_approval', tier: 'destructive' });
    const newId = edited.json.approval_id as string;
    expect(newId).not.toBe(original.id);
    expect(await db.tableExists('t')).toBe(true);

    const stale = await runCli(['approve', newId, '--as', 'bob', '--token', original.token, '--json']);
    expect(stale.code).toBe(2);
    expect(stale.json.error).toMatch(/does not match this action/);
    expect(await db.tableExists('t')).toBe(true);

    const token = (await runCli(['show', newId, '--json'])).json.confirmation_token;
    const approved = await runCli(['approve', newId, '--as', 'bob', '--token', token, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(await db.tableExists('t')).toBe(false);
  });

  it('an agent cannot edit, and an edit needs the original token when the action needs one', async () => {
    const original = await pause(`TRUNCATE ${db.schema}.t;`);
    const agent = await runCli(['edit', original.id, '-', '--as', 'agent:bot', '--token', original.token, '--json'], { input: 'SELECT 1;' });
    expect(agent.code).toBe(2);
    const noToken = await runCli(['edit', original.id, '-', '--as', 'alice', '--json'], { input: `DELETE FROM ${db.schema}.t WHERE id = 2;` });
    expect(noToken.code).toBe(2);
    expect(noToken.json.error).toMatch(/confirmation token/);
    expect(await db.count('t')).toBe(3);
  });
});
