import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { writePolicy, STRICT_POLICY } from '../helpers/policy-file.ts';
import { auditOf, rowsById } from './helpers.ts';

// Issue 14, hole 6: a predicate with nextval() fails inside the read-only
// dry-run; it was noted "not measured" and went on to an ordinary approval
// without a cap. Where caps apply, what cannot be measured is now blocked.

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x' FROM generate_series(1, 1000) n;
    CREATE SEQUENCE ${db.schema}.pick;
  `);
});
afterEach(() => db.close());

describe('hole 6: a dry-run that cannot measure fails closed where caps apply', () => {
  it('DELETE … WHERE id > nextval(…) is blocked with the reason and what to write instead; nothing changes; audited', async () => {
    const before = await rowsById(db, 'users');
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `DELETE FROM ${db.schema}.users WHERE id > nextval('${db.schema}.pick')`,
    });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.status).toBe('blocked');
    expect(blocked.json.reason).toMatch(/could not be measured \(blast-radius-unmeasured\)/);
    expect(blocked.json.reason).toMatch(/read-only transaction/);
    expect(blocked.json.reason).toMatch(/write it as a constant/);
    expect(blocked.json.approval_id).toBeUndefined();
    expect(await rowsById(db, 'users')).toEqual(before);
    const audit = await auditOf(blocked.json.thread_id);
    expect(audit.find((row) => row.step === 'dry-run')).toMatchObject({ outcome: 'blocked', message: expect.stringMatching(/blast-radius-unmeasured/) });
  });

  it('a DELETE hidden in a WITH clause of a SELECT cannot be measured read-only: blocked', async () => {
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `WITH gone AS (DELETE FROM ${db.schema}.users WHERE id > 10 RETURNING id) SELECT count(*) FROM gone`,
    });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.reason).toMatch(/blast-radius-unmeasured.*WITH clause/);
    expect(await db.count('users')).toBe(1000);
  });

  it('ON CONFLICT ON CONSTRAINT cannot be measured: blocked, saying to name the columns', async () => {
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `INSERT INTO ${db.schema}.users VALUES (1, 'a') ON CONFLICT ON CONSTRAINT users_pkey DO UPDATE SET email = 'b'`,
    });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.reason).toMatch(/ON CONFLICT \(col, …\)/);
  });

  it('a countBudgetMs too large for Postgres no longer makes the dry-run fail: it is refused as policy or measured, never "not measured"', async () => {
    const production = { ...STRICT_POLICY.environments.production, blastRadius: { maxRows: 100_000, maxPercent: 50, countBudgetMs: 3_000_000_000 } };
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, environments: { ...STRICT_POLICY.environments, production } }) });
    const result = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DELETE FROM ${db.schema}.users WHERE id <= 10`, env });
    // Bounded by the policy schema (exit 2), or measured exactly and paused (exit 3).
    expect([2, 3], result.stderr).toContain(result.code);
    if (result.code === 3) expect(result.json.blast_radius).toMatchObject({ rows: 10, estimated: false });
    expect(await db.count('users')).toBe(1000);
  });
});

describe('hole 6: a DO block that changes rows cannot be measured either', () => {
  it('DO $$ BEGIN DELETE … END $$ in production is blocked, saying to write the statements out; nothing changes', async () => {
    const db2 = await openSandbox();
    try {
      await db2.query(`CREATE TABLE ${db2.schema}.users (id int PRIMARY KEY); INSERT INTO ${db2.schema}.users SELECT generate_series(1, 100);`);
      const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
        input: `DO $$ BEGIN DELETE FROM ${db2.schema}.users WHERE id > 1; END $$`,
      });
      expect(blocked.code, blocked.stderr).toBe(4);
      expect(blocked.json.reason).toMatch(/blast-radius-unmeasured.*DO block changes rows \(DELETE\)/);
      expect(await db2.count('users')).toBe(100);
    } finally {
      await db2.close();
    }
  });
});
