import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { auditOf } from './helpers.ts';

// Issue 14, hole 5: the dry-run built its counting query by splicing the
// statement's text, so a trailing `-- comment` swallowed the rest of the
// query. The measuring queries are now built from the parse tree.

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x' FROM generate_series(1, 1000) n;
  `);
});
afterEach(() => db.close());

describe('hole 5: a trailing line comment does not change what the dry-run counts', () => {
  it('DELETE … WHERE id > 0 -- stale rows (no semicolon) is measured as the whole table and blocked over the cap; nothing changes', async () => {
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `DELETE FROM ${db.schema}.users WHERE id > 0 -- stale rows`,
    });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json).toMatchObject({ status: 'blocked', blast_radius: { rows: 1000, table_rows: 1000, pct: 100, estimated: false } });
    expect(blocked.json.reason).toMatch(/blast-radius-cap/);
    expect(await db.count('users')).toBe(1000);
    const audit = await auditOf(blocked.json.thread_id);
    expect(audit.find((row) => row.step === 'dry-run')).toMatchObject({ outcome: 'blocked' });
  });

  it('DELETE … WHERE id > 900 -- stale rows pauses with exactly 100 rows counted, comment and all', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `DELETE FROM ${db.schema}.users WHERE id > 900 -- stale rows`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 100, table_rows: 1000, pct: 10, estimated: false });
    expect(await db.count('users')).toBe(1000);
  });

  it('a comment inside UPDATE … FROM, between the clauses, is counted once per target row', async () => {
    await db.query(`CREATE TABLE ${db.schema}.flags (uid int, flag text); INSERT INTO ${db.schema}.flags SELECT n % 50 + 1, 'x' FROM generate_series(1, 200) n;`);
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `UPDATE ${db.schema}.users AS u SET email = f.flag -- overwrite\nFROM ${db.schema}.flags f /* join */ WHERE f.uid = u.id -- flagged only`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 50, table_rows: 1000, pct: 5 });
  });
});
