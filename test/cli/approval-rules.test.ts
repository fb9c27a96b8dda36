import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clockAhead, cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.a (id int); CREATE TABLE ${db.schema}.b (id int); INSERT INTO ${db.schema}.a VALUES (1); INSERT INTO ${db.schema}.b VALUES (1)`);
});
afterEach(() => db.close());

async function pause(sql: string, env = cliEnv(), as = 'dev') {
  const result = await runCli(['migrate', '-', '--env', 'production', '--as', as, '--json'], { input: sql, env });
  expect(result.code, result.stderr).toBe(3);
  const show = await runCli(['show', result.json.approval_id, '--json'], { env });
  return { id: result.json.approval_id as string, thread: result.json.thread_id as string, token: show.json.confirmation_token as string };
}

describe('approvals that mean what they say', () => {
  it('self-approval in production and approval by agent:* are refused; another reviewer with the right role succeeds', async () => {
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy(STRICT_POLICY) });
    const { id, token } = await pause(`DROP TABLE ${db.schema}.a;`, env, 'alice');
    const self = await runCli(['approve', id, '--as', 'alice', '--token', token, '--json'], { env });
    expect(self.code).toBe(2);
    expect(self.json.error).toMatch(/alice requested this action and cannot also approve it/);
    const agent = await runCli(['approve', id, '--as', 'agent:helper', '--token', token, '--json'], { env });
    expect(agent.code).toBe(2);
    expect(agent.json.error).toMatch(/agents can never approve/);
    const noRole = await runCli(['approve', id, '--as', 'carol', '--token', token, '--json'], { env });
    expect(noRole.code).toBe(2);
    expect(noRole.json.error).toMatch(/needs role dba/);
    expect(await db.tableExists('a')).toBe(true);

    // A second dba may approve: add one for this test.
    const withDave = cliEnv({
      AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, reviewers: { ...STRICT_POLICY.reviewers, dave: { roles: ['dba'] } } }),
    });
    const dave = await runCli(['approve', id, '--as', 'dave', '--token', token, '--json'], { env: withDave });
    expect(dave.code, dave.stderr).toBe(0);
    expect(await db.tableExists('a')).toBe(false);
  });

  it("names that try to pass for someone else: --as Dev for requester dev, a hidden character, AGENT: in capitals, each refused with exit 2 and nothing run", async () => {
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy(STRICT_POLICY) });
    const { id, token } = await pause(`DROP TABLE ${db.schema}.a;`, env, 'alice');
    for (const as of ['Alice', 'alice ', 'ALICE', 'ａｌｉｃｅ']) {
      const self = await runCli(['approve', id, '--as', as, '--token', token, '--json'], { env });
      expect(self.code, as).toBe(2);
      expect(self.json.error, as).toMatch(/alice requested this action and cannot also approve it/);
    }
    const hidden = await runCli(['approve', id, '--as', 'alice\u200b', '--token', token, '--json'], { env });
    expect(hidden.code).toBe(2);
    expect(hidden.json.error).toMatch(/invisible or control character \(U\+200B\): type the name in plain letters/);
    for (const as of ['AGENT:helper', 'Agent:helper']) {
      const agent = await runCli(['approve', id, '--as', as, '--token', token, '--json'], { env });
      expect(agent.code, as).toBe(2);
      expect(agent.json.error, as).toMatch(/agents can never approve/);
    }
    expect(await db.tableExists('a')).toBe(true);
    // Each refused decision is in the trail; the approval is still pending.
    const trail = await runCli(['audit', '--json'], { env });
    expect(JSON.stringify(trail.json)).toMatch(/cannot also approve/);
    const show = await runCli(['show', id, '--json'], { env });
    expect(show.json.status).toBe('pending');
    // A requester name with a hidden character is refused before anything runs.
    const migrate = await runCli(['migrate', '-', '--env', 'production', '--as', 'de\u200dv', '--json'], { input: `DROP TABLE ${db.schema}.b;`, env });
    expect(migrate.code).toBe(2);
    expect(await db.tableExists('b')).toBe(true);
  });

  it('a token for a different action is refused', async () => {
    const first = await pause(`DROP TABLE ${db.schema}.a;`);
    const second = await pause(`DROP TABLE ${db.schema}.b;`);
    const crossed = await runCli(['approve', second.id, '--as', 'alice', '--token', first.token, '--json']);
    expect(crossed.code).toBe(2);
    expect(crossed.json.error).toMatch(/does not match this action/);
    expect(await db.tableExists('b')).toBe(true);
  });

  it('the same SQL submitted again is a new action, with its own token', async () => {
    const first = await pause(`DROP TABLE ${db.schema}.a;`);
    const again = await pause(`DROP TABLE ${db.schema}.a;`);
    expect(again.id).not.toBe(first.id);
    const stale = await runCli(['approve', again.id, '--as', 'alice', '--token', first.token.replace(/-[0-9a-f]{4}$/, '-0000'), '--json']);
    expect(stale.code).toBe(2);
    expect(await db.tableExists('a')).toBe(true);
  });

  it('an expired approval cannot be executed: it is rejected as expired, and the table stays', async () => {
    const policy = writePolicy({ ...STRICT_POLICY, approvalTtlHours: 72 });
    const env = cliEnv({ AIRLOCK_POLICY: policy });
    const { id, token } = await pause(`DELETE FROM ${db.schema}.b;`, env);
    // The reviewer answers 73 hours later: the test moves the clock, it does not wait.
    const later = cliEnv({ AIRLOCK_POLICY: policy, AIRLOCK_NOW: clockAhead('73h') });
    const late = await runCli(['approve', id, '--as', 'alice', '--token', token, '--json'], { env: later });
    expect(late.code).toBe(2);
    expect(late.json.error).toMatch(/expired at .* nothing runs/);
    expect(await db.count('b')).toBe(1);
    const show = await runCli(['show', id, '--json'], { env });
    expect(show.json).toMatchObject({ status: 'rejected', decided_by: 'airlock', reason: 'expired', outcome: 'rejected' });
    const again = await runCli(['approve', id, '--as', 'alice', '--token', token, '--json'], { env });
    expect(again.code).toBe(2);
    expect(again.json.error).toMatch(/already rejected by airlock/);
    expect(await db.count('b')).toBe(1);
  });

  it('an approval answered days later but within its TTL still runs', async () => {
    const policy = writePolicy({ ...STRICT_POLICY, approvalTtlHours: 72 });
    const { id, token } = await pause(`DELETE FROM ${db.schema}.b;`, cliEnv({ AIRLOCK_POLICY: policy }));
    const inTime = cliEnv({ AIRLOCK_POLICY: policy, AIRLOCK_NOW: clockAhead('71h') });
    const shown = await runCli(['show', id], { env: inTime });
    expect(shown.stdout).toMatch(/Requested by dev, 3d ago/);
    const approved = await runCli(['approve', id, '--as', 'alice', '--token', token, '--json'], { env: inTime });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json.status).toBe('completed');
    expect(await db.count('b')).toBe(0);
  });
});
