import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

/**
 * Issue 14, hole 3: behaviour defined now and run later. A rule, a trigger, a
 * replaced function or a user function named like a built-in ran, in
 * development, without anyone approving what it would do. Each is now judged
 * by what it will run, as found in the target database.
 */

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x' FROM generate_series(1, 100) n;
    CREATE TABLE ${db.schema}.events (id int, kind text);
    CREATE TABLE ${db.schema}.audit_log (id serial, entry text);
  `);
});
afterEach(() => db.close());

const migrate = (sql: string, env = 'development') => runCli(['migrate', '-', '--env', env, '--as', 'dev', '--json'], { input: sql });

async function auditOf(threadId: string): Promise<any[]> {
  return (await runCli(['audit', '--thread', threadId, '--json'])).json.entries;
}

async function approveWithToken(approvalId: string) {
  const token = (await runCli(['show', approvalId, '--json'])).json.confirmation_token;
  return runCli(['approve', approvalId, '--as', 'alice', '--token', token, '--json']);
}

describe('hole 3: what a definition will run is judged when it is defined', () => {
  it('CREATE RULE … DO ALSO DELETE FROM users, then an INSERT, in development: paused as destructive, users intact, audited', async () => {
    const result = await migrate(`
      CREATE RULE purge AS ON INSERT TO ${db.schema}.events DO ALSO DELETE FROM ${db.schema}.users;
      INSERT INTO ${db.schema}.events VALUES (1, 'signup');
    `);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ status: 'pending_approval', tier: 'destructive' });
    expect(result.json.rules).toEqual(expect.arrayContaining(['rewrite-rule', 'delete-without-where']));
    expect(await db.count('users')).toBe(100);
    expect(await db.count('events')).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM pg_rules WHERE schemaname = $1`, [db.schema])).rows[0].n).toBe(0);
    const classify = (await auditOf(result.json.thread_id)).find((entry) => entry.step === 'classify');
    expect(classify).toMatchObject({ outcome: 'destructive' });
    expect(classify.detail.rules).toContain('rewrite-rule');
  });

  it('CREATE RULE … DO INSTEAD NOTHING on the audit log silences writes: destructive, nothing created', async () => {
    const result = await migrate(`CREATE RULE quiet AS ON INSERT TO ${db.schema}.audit_log DO INSTEAD NOTHING;`);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ tier: 'destructive', rules: expect.arrayContaining(['rewrite-rule']) });
    await db.query(`INSERT INTO ${db.schema}.audit_log (entry) VALUES ('still recorded')`);
    expect(await db.count('audit_log')).toBe(1);
  });

  it('a trigger whose function (found in the target) deletes rows is destructive; the trigger is not created', async () => {
    await db.query(`CREATE FUNCTION ${db.schema}.purge() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM ${db.schema}.users WHERE id > 0; RETURN NEW; END $$`);
    const result = await migrate(`CREATE TRIGGER purge AFTER INSERT ON ${db.schema}.events FOR EACH ROW EXECUTE FUNCTION ${db.schema}.purge();`);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ tier: 'destructive', rules: expect.arrayContaining(['trigger-function-body']) });
    const pending = await runCli(['show', result.json.approval_id, '--json']);
    expect(JSON.stringify(pending.json)).toMatch(/purge\(\) in .*: its body removes rows/);
    expect((await db.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'purge'`)).rows[0].n).toBe(0);
    expect(await db.count('users')).toBe(100);
  });

  it('a SELECT calling a user function named like a built-in (s.lower) that deletes: destructive, not read; users intact', async () => {
    await db.query(`CREATE FUNCTION ${db.schema}.lower(x int) RETURNS int LANGUAGE sql AS $$ DELETE FROM ${db.schema}.users; SELECT 1 $$`);
    const check = await runCli(['check', '--env', 'development', '--json'], { input: `SELECT ${db.schema}.lower(1);` });
    expect(check.json.tier).toBe('write'); // without the target, only "not a built-in"
    const result = await migrate(`SELECT ${db.schema}.lower(1);`);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ tier: 'destructive', rules: expect.arrayContaining(['user-defined-function']) });
    expect(await db.count('users')).toBe(100);
  });

  it('"Count"(1) through a search_path the text sets resolves to the user function, and is judged by its body', async () => {
    await db.query(`CREATE FUNCTION ${db.schema}."Count"(x int) RETURNS int LANGUAGE plpgsql AS $$
      BEGIN LOCK TABLE ${db.schema}.users IN ACCESS EXCLUSIVE MODE; DELETE FROM ${db.schema}.users; RETURN x; END $$`);
    const result = await migrate(`SET search_path = ${db.schema}, public; SELECT "Count"(1);`);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ tier: 'destructive', rules: expect.arrayContaining(['user-defined-function']) });
    expect(await db.count('users')).toBe(100);
  });

  it('CREATE OR REPLACE FUNCTION of a function that exists: destructive; the old definition is kept, and undo puts it back', async () => {
    await db.query(`CREATE FUNCTION ${db.schema}.greeting() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'hello' $$`);
    const replaced = `CREATE OR REPLACE FUNCTION ${db.schema}.greeting() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'bye' $$;`;
    const fresh = await migrate(replaced.replace('greeting()', 'greeting_new()'));
    expect(fresh.code, fresh.stderr).toBe(0); // nothing to replace: an ordinary write
    const result = await migrate(replaced);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ tier: 'destructive', rules: expect.arrayContaining(['replace-existing-definition']) });
    expect((await db.query(`SELECT ${db.schema}.greeting() AS g`)).rows[0].g).toBe('hello');
    const shown = await runCli(['show', result.json.approval_id, '--json']);
    expect(shown.json.undo).toMatch(/old definition \(.*greeting\(\)\) kept in airlock_backup/);

    const approved = await approveWithToken(result.json.approval_id);
    expect(approved.code, approved.stderr).toBe(0);
    expect((await db.query(`SELECT ${db.schema}.greeting() AS g`)).rows[0].g).toBe('bye');
    expect(approved.json.backups).toEqual([expect.objectContaining({ kind: 'definition', rows: 1 })]);

    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3); // the restore replaces a definition too: approved like one
    const restored = await approveWithToken(undo.json.approval_id);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await db.query(`SELECT ${db.schema}.greeting() AS g`)).rows[0].g).toBe('hello');
  });

  it('CREATE OR REPLACE VIEW over an existing view: destructive, the view unchanged until approved', async () => {
    await db.query(`CREATE VIEW ${db.schema}.active AS SELECT id FROM ${db.schema}.users WHERE id <= 10`);
    const result = await migrate(`CREATE OR REPLACE VIEW ${db.schema}.active AS SELECT id FROM ${db.schema}.users;`);
    expect(result.code, result.stderr).toBe(3);
    expect(result.json).toMatchObject({ tier: 'destructive', rules: expect.arrayContaining(['replace-existing-definition']) });
    expect((await db.query(`SELECT count(*)::int AS n FROM ${db.schema}.active`)).rows[0].n).toBe(10);
  });
});
