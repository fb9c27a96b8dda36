import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

// A target database of this file's own, so marking its environment disturbs nobody.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let target: pg.Client;

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_env');
  target = new pg.Client({ connectionString: scratch.url });
  target.on('error', () => {});
  await target.connect();
  await target.query('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
});
afterAll(async () => {
  await target?.end();
  await scratch?.drop();
});

const env = (extra: Record<string, string | undefined> = {}) =>
  cliEnv({ TARGET_DATABASE_URL: scratch.url, APP_ENV: undefined, AIRLOCK_ENV: undefined, ...extra });
const count = async () => Number((await target.query('SELECT count(*) FROM t')).rows[0].count);

describe('the permit step on a real database', () => {
  it('a blocked statement never reaches execute, and the audit row names the rules', async () => {
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], {
      input: 'SELECT 1; COMMIT; DROP TABLE t;',
      env: env(),
    });
    expect(result.code).toBe(4);
    expect(result.json.reason).toMatch(/blocked by policy in development \(transaction-control\)/);
    const history = await runCli(['history', result.json.thread_id, '--json'], { env: env() });
    const steps = history.json.audit.map((a: any) => `${a.step}:${a.outcome}`);
    expect(steps).toEqual(['classify:forbidden', 'permit:blocked', 'audit:blocked']);
    expect(history.json.audit[1].message).toContain('transaction-control');
    expect(await count()).toBe(2);
  });

  it('blocks when the database marker and --env disagree, listing every signal', async () => {
    const mark = await runCli(['db', 'mark', 'prod', '--as', 'ops', '--json'], { env: env() });
    expect(mark.code, mark.stderr).toBe(0);
    expect(mark.json.environment).toBe('production');

    const conflict = await runCli(['migrate', '-', '--env', 'staging', '--as', 'dev', '--json'], { input: 'DELETE FROM t WHERE id = 1;', env: env() });
    expect(conflict.code).toBe(4);
    expect(conflict.json.reason).toMatch(/--env=staging, database marker \(airlock db mark\)=production/);
    expect(await count()).toBe(2);

    const variable = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: 'SELECT count(*) FROM t;',
      env: env({ APP_ENV: 'development' }),
    });
    expect(variable.code).toBe(4);
    expect(variable.json.reason).toMatch(/--env=production, APP_ENV=development, database marker \(airlock db mark\)=production/);

    const agreeing = await runCli(['migrate', '-', '--env', 'prod', '--as', 'dev', '--json'], { input: 'SELECT count(*)::int AS n FROM t;', env: env() });
    expect(agreeing.code, agreeing.stderr).toBe(0);
    expect(agreeing.json).toMatchObject({ environment: 'production', rows: [{ n: 2 }] });
    await runCli(['db', 'mark', 'development', '--as', 'ops'], { env: env() });
  });

  it('enforces the policy file’s reviewer roles and agent grants', async () => {
    const policyEnv = env({ AIRLOCK_POLICY: writePolicy(STRICT_POLICY) });
    await runCli(['db', 'mark', 'production', '--as', 'ops'], { env: policyEnv });
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: 'INSERT INTO t VALUES (3);', env: policyEnv });
    expect(paused.code, paused.stderr).toBe(3);
    const bob = await runCli(['approve', paused.json.approval_id, '--as', 'bob', '--json'], { env: policyEnv });
    expect(bob.code).toBe(2);
    expect(bob.json.error).toMatch(/bob may not approve write actions in production: it needs role dba or lead, and bob has developer/);
    expect(await count()).toBe(2);
    const alice = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--json'], { env: policyEnv });
    expect(alice.code, alice.stderr).toBe(0);
    expect(await count()).toBe(3);

    const agent = await runCli(['migrate', '-', '--env', 'production', '--as', 'agent:cleanup-bot', '--json'], {
      input: 'SELECT 1;',
      env: policyEnv,
    });
    expect(agent.code).toBe(4);
    expect(agent.json.reason).toMatch(/agent:cleanup-bot may not act in production/);
    await runCli(['db', 'mark', 'development', '--as', 'ops'], { env: policyEnv });
  });

  it('a bad policy file is refused at start: exit 2, the JSON path, nothing run', async () => {
    const broken = writePolicy({ ...STRICT_POLICY, reviewers: {} });
    const result = await runCli(['migrate', '-', '--env', 'development', '--json'], { input: 'DELETE FROM t WHERE id = 2;', env: env({ AIRLOCK_POLICY: broken }) });
    expect(result.code).toBe(2);
    expect(result.json.error).toMatch(/environments\.production\.tiers\.write\.approve\.roles\[0\]: no reviewer has role "dba"/);
    expect(await count()).toBeGreaterThan(0);
  });
});
