import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, allPendingText } from '../helpers/cli.ts';
import { expectBackupKeysMatch, rowsById } from '../holes/helpers.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text, last_login timestamptz);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x', CASE WHEN n <= 300 THEN now() END FROM generate_series(1, 1000) n;
    CREATE TABLE ${db.schema}.sessions (id int PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO ${db.schema}.sessions SELECT n, now() FROM generate_series(1, 1000) n;
  `);
});
afterEach(() => db.close());

/** Production with caps, and a count budget so small that no exact count of a large table fits it. */
function policyWithBudget(countBudgetMs: number) {
  const production = { ...STRICT_POLICY.environments.production, blastRadius: { maxRows: 100_000, maxPercent: 50, countBudgetMs } };
  return cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, environments: { ...STRICT_POLICY.environments, production } }) });
}

describe('dry-run of a large table: EXPLAIN first, an estimate when the exact count would exceed the budget', () => {
  beforeEach(async () => {
    await db.query(`
      CREATE TABLE ${db.schema}.events (id int PRIMARY KEY, v int NOT NULL);
      INSERT INTO ${db.schema}.events SELECT n, n % 1000 FROM generate_series(1, 300000) n;
      -- ANALYZE reads every row, so EXPLAIN's estimate is the same in every run (a 30,000-row
      -- sample put it outside the 10% an approved estimate may be off by in about one run in ten).
      ALTER TABLE ${db.schema}.events ALTER COLUMN v SET STATISTICS 10000;
      ANALYZE ${db.schema}.events;
    `);
  });

  it('an estimate under the cap pauses, says "estimated" wherever the figure appears, and deletes the exact rows once approved', async () => {
    const env = policyWithBudget(1);
    const args = ['cleanup', '--table', `${db.schema}.events`, '--where', 'v < 10', '--env', 'production', '--as', 'dev'];
    const paused = await runCli([...args, '--json'], { env });
    expect(paused.code, paused.stderr + JSON.stringify(paused.json)).toBe(3);
    expect(paused.json.blast_radius.estimated).toBe(true);
    expect(paused.json.blast_radius.rows).toBeGreaterThan(2000);
    expect(paused.json.blast_radius.rows).toBeLessThan(4000);
    const inbox = await allPendingText({ env });
    expect(inbox.split('\n').find((line) => line.includes(paused.json.approval_id))).toMatch(/estimated/);
    const show = await runCli(['show', paused.json.approval_id], { env });
    expect(show.stdout).toMatch(/estimated/);
    const showJson = await runCli(['show', paused.json.approval_id, '--json'], { env });
    expect(showJson.json.blast_radius.estimated).toBe(true);
    const history = await runCli(['history', paused.json.thread_id, '--json'], { env });
    expect(history.json.audit.find((a: any) => a.step === 'dry-run').message).toMatch(/estimated by EXPLAIN/);
    expect(await db.count('events')).toBe(300_000);

    const keysBefore = await rowsById(db, 'events');
    const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', showJson.json.confirmation_token, '--json'], { env });
    expect(approved.code, approved.stderr).toBe(0);
    await expectBackupKeysMatch(db, keysBefore, await rowsById(db, 'events'), `airlock_backup.${approved.json.action_id}`);
    expect(approved.json.statements).toEqual([{ kind: 'DeleteStmt', command: 'DELETE', rowCount: 3000 }]);
    expect(await db.count('events')).toBe(297_000);
  });

  it('an estimate over the cap is blocked, and the refusal says it is an estimate', async () => {
    const result = await runCli(['cleanup', '--table', `${db.schema}.events`, '--where', 'v < 700', '--env', 'production', '--as', 'dev', '--json'], {
      env: policyWithBudget(1),
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.json.blast_radius.estimated).toBe(true);
    expect(result.json.reason).toMatch(/estimated.*blast-radius-cap/);
    expect(await db.count('events')).toBe(300_000);
  });

  it('within the budget, the count is exact', async () => {
    const result = await runCli(['cleanup', '--table', `${db.schema}.events`, '--where', 'v < 10', '--env', 'production', '--as', 'dev', '--json'], {
      env: policyWithBudget(60_000),
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.json.blast_radius).toMatchObject({ rows: 3000, table_rows: 300_000, pct: 1, estimated: false });
  });
});

describe("the migration graph's dry-run measures each DELETE and UPDATE", () => {
  it('a DELETE matching 70% of users is blocked by the cap before any approval, and nothing changes', async () => {
    const result = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `DELETE FROM ${db.schema}.users WHERE last_login IS NULL;`,
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.json).toMatchObject({ status: 'blocked', blast_radius: { rows: 700, table_rows: 1000, pct: 70, estimated: false } });
    expect(result.json.reason).toMatch(/statement 1 \(.*users\): 700 of 1000 rows \(70%\) is over production's cap/);
    expect(result.json.approval_id).toBeUndefined();
    expect(await db.count('users')).toBe(1000);
  });

  it('an UPDATE under the cap pauses with its figures; when its rows change before approval, execution refuses and asks again', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `SELECT 1;\nUPDATE ${db.schema}.sessions SET created_at = now() - interval '1 year' WHERE id <= 30;`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 30, table_rows: 1000, pct: 3 });
    expect(paused.json.blast_radius.statements).toEqual([
      { statement: 2, table: `${db.schema}.sessions`, rows: 30, table_rows: 1000, pct: 3, estimated: false },
    ]);
    expect(paused.json.blast_radius.samples).toHaveLength(5);

    await db.query(`DELETE FROM ${db.schema}.sessions WHERE id <= 5`); // the data changes meanwhile
    const first = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--json']);
    expect(first.code, first.stderr).toBe(3);
    expect(first.json.blast_radius).toMatchObject({ rows: 25 });
    expect(first.json.approval_id).not.toBe(paused.json.approval_id);
    const old = await db.query(`SELECT count(*)::int AS n FROM ${db.schema}.sessions WHERE created_at < now() - interval '1 month'`);
    expect(old.rows[0].n).toBe(0);

    const second = await runCli(['approve', first.json.approval_id, '--as', 'alice', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.statements[1]).toEqual({ kind: 'UpdateStmt', command: 'UPDATE', rowCount: 25 });
  });

  it('a migration whose DELETE acts on a table it creates is not measured beforehand, and still runs', async () => {
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], {
      input: `CREATE TABLE ${db.schema}.scratch AS SELECT 1 AS id; DELETE FROM ${db.schema}.scratch WHERE id = 1;`,
    });
    expect(result.code, result.stderr).toBe(0);
    const history = await runCli(['history', result.json.thread_id, '--json']);
    expect(history.json.audit.find((a: any) => a.step === 'dry-run')?.message ?? '').toMatch(/Not measured: statement 2/);
  });
});
