import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';

// TARGET_DATABASE_URL: the database acted on, apart from Airlock's state.
const name = `airlock_target_${randomBytes(4).toString('hex')}`;
let admin: pg.Client;
let target: pg.Client;
let targetUrl: string;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject('targetUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const parsed = new URL(inject('targetUrl'));
  parsed.pathname = `/${name}`;
  targetUrl = parsed.toString();
  target = new pg.Client({ connectionString: targetUrl });
  await target.connect();
  await target.query('CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)');
});

afterAll(async () => {
  await target.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe('a separate target database', () => {
  it('is where the migration runs and where its ledger row is kept; approvals stay in the state database', async () => {
    const env = cliEnv({ TARGET_DATABASE_URL: targetUrl });
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: 'DELETE FROM orders;', env });
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
