import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { cliEnv, runCli, allPending } from '../helpers/cli.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text); INSERT INTO ${db.schema}.users VALUES (1, 'a@x'), (2, 'b@x')`);
});
afterEach(() => db.close());

describe('migrations that need no approval', () => {
  it('a read-only statement in production completes without pausing and returns its rows', async () => {
    const read = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `SELECT count(*)::int AS n FROM ${db.schema}.users WHERE email LIKE '%@x';`,
    });
    expect(read.code, read.stderr).toBe(0);
    expect(read.json).toMatchObject({ status: 'completed', tier: 'read', rows: [{ n: 2 }] });
    expect(read.json.approval_id).toBeUndefined();
    const inbox = await allPending();
    expect(inbox.map((a: any) => a.thread_id)).not.toContain(read.json.thread_id);
  });

  it('a failing statement rolls back the whole migration and reports Postgres’s message', async () => {
    const sql = [
      `CREATE TABLE ${db.schema}.audit_copy (id int);`,
      `INSERT INTO ${db.schema}.users VALUES (3, 'c@x');`,
      `INSERT INTO ${db.schema}.no_such_table VALUES (1);`,
    ].join('\n');
    const failed = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: sql });
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.json.status).toBe('failed');
    expect(failed.json.reason).toContain(`relation "${db.schema}.no_such_table" does not exist`);
    expect(failed.json.reason).toMatch(/statement 3 of 3/);
    expect(await db.tableExists('audit_copy')).toBe(false);
    expect(await db.count('users')).toBe(2);

    const history = await runCli(['history', failed.json.thread_id, '--json']);
    expect(history.json.audit.map((a: any) => `${a.step}:${a.outcome}`)).toEqual([
      'classify:write',
      'permit:allow',
      'execute:started',
      'execute:failed',
      'audit:failed',
    ]);
  });

  it('a statement that exceeds the statement timeout is cancelled and rolled back', async () => {
    const slow = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], {
      input: `INSERT INTO ${db.schema}.users VALUES (9, 'z@x'); SELECT pg_sleep(5);`,
      env: cliEnv({ AIRLOCK_STATEMENT_TIMEOUT: '200ms' }),
    });
    expect(slow.code).toBe(1);
    expect(slow.json.reason).toMatch(/statement timeout/);
    expect(await db.count('users')).toBe(2);
  });

  it('a CREATE INDEX CONCURRENTLY on its own runs outside a transaction, as PostgreSQL requires', async () => {
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], {
      input: `CREATE INDEX CONCURRENTLY users_email_idx ON ${db.schema}.users (email);`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.statements).toEqual([{ kind: 'IndexStmt', command: 'CREATE', rowCount: null }]);
    const { rows } = await db.query(
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = 'users_email_idx'`,
      [db.schema],
    );
    expect(rows).toEqual([{ indisvalid: true }]);
  });

  it('with another statement it is blocked before anything runs', async () => {
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], {
      input: `INSERT INTO ${db.schema}.users VALUES (5, 'e@x'); CREATE INDEX CONCURRENTLY i2 ON ${db.schema}.users (email);`,
    });
    expect(result.code).toBe(4);
    expect(result.json.rules).toContain('ban-concurrent-index-creation-in-transaction');
    expect(await db.count('users')).toBe(2);
  });
});
