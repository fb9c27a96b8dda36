import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { writePolicy } from '../helpers/policy-file.ts';

// Issue 14: a one-row UPDATE of a one-row settings table in production was
// blocked outright as 100% of the table. Below blastRadius.smallTableRows
// (default 100) a table is judged by the row cap, and a share over the
// percentage cap needs a destructive-tier approval instead.

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.settings (k text PRIMARY KEY, v text); INSERT INTO ${db.schema}.settings VALUES ('mode', 'old');`);
});
afterEach(() => db.close());

describe('percentage caps have a floor', () => {
  it('a one-row UPDATE of a one-row table pauses as destructive (token required) instead of being blocked; approved, it runs', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `UPDATE ${db.schema}.settings SET v = 'new' WHERE k = 'mode'`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 1, table_rows: 1, pct: 100 });
    const show = await runCli(['show', paused.json.approval_id, '--json']);
    expect(show.json.token_required).toBe(true);
    const history = await runCli(['history', paused.json.thread_id, '--json']);
    expect(history.json.audit.find((row: any) => row.step === 'dry-run').message).toMatch(/fewer than 100 rows \(blastRadius.smallTableRows\).*small-table-floor/);
    const withoutToken = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--json']);
    expect(withoutToken.code).toBe(2);
    expect((await db.query(`SELECT v FROM ${db.schema}.settings`)).rows).toEqual([{ v: 'old' }]);
    const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', show.json.confirmation_token, '--json']);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    expect((await db.query(`SELECT v FROM ${db.schema}.settings`)).rows).toEqual([{ v: 'new' }]);
  });

  it('with smallTableRows 0 in the policy, the percentage cap applies to every table again: blocked', async () => {
    const env = cliEnv({
      AIRLOCK_POLICY: writePolicy({
        environments: {
          production: {
            tiers: { read: 'allow', write: { approve: {} }, destructive: { approve: { token: true } } },
            blastRadius: { maxRows: 100_000, maxPercent: 50, smallTableRows: 0 },
          },
        },
      }),
    });
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `UPDATE ${db.schema}.settings SET v = 'new' WHERE k = 'mode'`, env });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.reason).toMatch(/blast-radius-cap/);
    expect((await db.query(`SELECT v FROM ${db.schema}.settings`)).rows).toEqual([{ v: 'old' }]);
  });
});
