import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

// check never touches a database: prove it by pointing DATABASE_URL nowhere.
const env = (extra: Record<string, string | undefined> = {}) =>
  cliEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', AIRLOCK_ENV: undefined, APP_ENV: undefined, ...extra });
const check = (sql: string, args: string[] = [], extra = {}) => runCli(['check', '-', '--json', ...args], { input: sql, env: env(extra) });

describe('airlock check', () => {
  it('prints the contract’s JSON for each statement and exits 0 for a read', async () => {
    const result = await check('SELECT id FROM app.users WHERE id = 1; -- DROP TABLE users');
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({
      tier: 'read',
      statements: [{ kind: 'SelectStmt', tier: 'read', tables: ['app.users'], filtered: true, lock: 'ACCESS SHARE', rules: [] }],
      decision: 'allow',
    });
  });

  it('exits 3 when the policy would need approval, 0 where it would not', async () => {
    const write = await check('UPDATE users SET name = $$x$$ WHERE id = 1', ['--env', 'production']);
    expect(write.code).toBe(3);
    expect(write.json).toMatchObject({ tier: 'write', decision: 'approve', token_required: false, environment: 'production' });
    expect((await check('UPDATE users SET name = $$x$$ WHERE id = 1', ['--env', 'dev'])).code).toBe(0);
    const destructive = await check('DELETE FROM users WHERE 1 = 1');
    expect(destructive.code).toBe(3);
    expect(destructive.json).toMatchObject({ tier: 'destructive', token_required: true, environment: 'production' });
    expect(destructive.json.statements[0]).toMatchObject({ filtered: false, rules: ['tautological-where', 'delete-removes-rows'] });
  });

  it('exits 4 when blocked: forbidden statements and what the policy blocks; unparseable SQL is forbidden (fail closed) and exits 2, bad input, as from every command', async () => {
    const forbidden = await check('SELECT 1; COMMIT; DROP TABLE users');
    expect(forbidden.code).toBe(4);
    expect(forbidden.json.statements[1].rules).toContain('transaction-control');
    const unparseable = await check('DROP TABEL users');
    expect(unparseable.code).toBe(2);
    expect(unparseable.json).toMatchObject({ tier: 'forbidden', error: expect.stringMatching(/syntax error at or near "TABEL"/) });
    const policy = writePolicy(STRICT_POLICY);
    const blocked = await check('DROP TABLE users', ['--env', 'development'], { AIRLOCK_POLICY: policy });
    expect(blocked.code).toBe(4);
    expect(blocked.json.reason).toMatch(/destructive statements are blocked in development/);
  });

  it('uses APP_ENV / AIRLOCK_ENV, and blocks when they disagree with --env', async () => {
    expect((await check('INSERT INTO t VALUES (1)', [], { APP_ENV: 'dev' })).code).toBe(0);
    const conflict = await check('INSERT INTO t VALUES (1)', ['--env', 'development'], { APP_ENV: 'production' });
    expect(conflict.code).toBe(4);
    expect(conflict.json.reason).toMatch(/--env=development, APP_ENV=production/);
  });

  it('reports the policy’s roles', async () => {
    const result = await check('ALTER TABLE users ADD COLUMN a int', ['--env', 'production'], { AIRLOCK_POLICY: writePolicy(STRICT_POLICY) });
    expect(result.code).toBe(3);
    expect(result.json.roles).toEqual(['dba', 'lead']);
  });

  it('refuses a bad policy file with the JSON path of the problem', async () => {
    const broken = { ...STRICT_POLICY, environments: { production: { tiers: { read: 'allow', write: 'maybe', destructive: 'block' } } } };
    const result = await check('SELECT 1', [], { AIRLOCK_POLICY: writePolicy(broken) });
    expect(result.code).toBe(2);
    expect(result.json.error).toMatch(/is invalid at environments\.production\.tiers\.write: expected "allow", "block" or/);
    const notJson = await check('SELECT 1', [], { AIRLOCK_POLICY: writePolicy('{ "environments": ') });
    expect(notJson.code).toBe(2);
    expect(notJson.json.error).toMatch(/is not valid JSON/);
    const missing = await check('SELECT 1', [], { AIRLOCK_POLICY: '/nonexistent/airlock.policy.json' });
    expect(missing.code).toBe(2);
    expect(missing.json.error).toMatch(/cannot read the policy file/);
  });
});
