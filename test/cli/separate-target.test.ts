import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';

// TARGET_DATABASE_URL: the database acted on, apart from Airlock's state.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let target: pg.Client;
let targetUrl: string;
let name: string;

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_target');
  targetUrl = scratch.url;
  name = new URL(targetUrl).pathname.slice(1);
  target = new pg.Client({ connectionString: targetUrl });
  target.on('error', () => {});
  await target.connect();
  await target.query('CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)');
});

afterAll(async () => {
  await target?.end();
  await scratch?.drop();
});

describe('a separate target database', () => {
  it('is where the migration runs and where its ledger row is kept; approvals stay in the state database', async () => {
    const env = cliEnv({ TARGET_DATABASE_URL: targetUrl });
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: 'TRUNCATE orders;', env });
    expect(paused.code, paused.stderr).toBe(3);
    const show = await runCli(['show', paused.json.approval_id, '--json'], { env });
    expect(show.json.target).toContain(`/${name}`);
    expect((await target.query('SELECT count(*)::int AS n FROM orders')).rows).toEqual([{ n: 2 }]);

    const approve = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', show.json.confirmation_token, '--json'], { env });
    expect(approve.code, approve.stderr).toBe(0);
    expect((await target.query('SELECT count(*)::int AS n FROM orders')).rows).toEqual([{ n: 0 }]);
    const ledger = await target.query('SELECT thread_id FROM airlock.ledger');
    expect(ledger.rows).toEqual([{ thread_id: paused.json.thread_id }]);
    const approvalsInTarget = await target.query("SELECT to_regclass('airlock.approvals') AS t");
    expect(approvalsInTarget.rows[0].t).toBeNull();
  });
});
