import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';
import { auditOf } from './helpers.ts';

// Issue 14, hole 9 (runtime parts): DROP SCHEMA … CASCADE and DROP TYPE …
// CASCADE were approved with "tables: -" and what they took was not kept;
// smoke queries accepted COPY … TO a server file.

let db: Sandbox;
let app: string;
beforeEach(async () => {
  db = await openSandbox();
  app = `app_${randomBytes(4).toString('hex')}`;
  await db.query(`
    CREATE SCHEMA ${app};
    CREATE TYPE ${app}.mood AS ENUM ('ok', 'sad');
    CREATE TABLE ${app}.people (id int PRIMARY KEY, mood ${app}.mood);
    INSERT INTO ${app}.people SELECT n, 'ok' FROM generate_series(1, 5) n;
    CREATE VIEW ${app}.happy AS SELECT id FROM ${app}.people WHERE mood = 'ok';
  `);
});
afterEach(async () => {
  await db.query(`DROP SCHEMA IF EXISTS ${app} CASCADE`);
  await db.close();
});

describe('hole 9: what CASCADE reaches is enumerated before approval', () => {
  it('DROP SCHEMA … CASCADE that would take a table with rows is refused, naming it; nothing changes; audited', async () => {
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP SCHEMA ${app} CASCADE` });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.reason).toMatch(new RegExp(`table ${app}\\.people \\(5 rows\\)`));
    expect(blocked.json.reason).toMatch(/cascade-reaches-data/);
    expect(blocked.json.reason).toMatch(/DROP TABLE \(kept in airlock_trash\)/);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${app}.people`)).rows[0].n).toBe(5);
    expect((await auditOf(blocked.json.thread_id)).find((row) => row.step === 'dry-run')).toMatchObject({ outcome: 'blocked' });
  });

  it('DROP TYPE … CASCADE that would drop a column is refused, naming the column', async () => {
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TYPE ${app}.mood CASCADE` });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.reason).toMatch(new RegExp(`column mood of table ${app}\\.people`));
    expect((await db.query(`SELECT count(mood)::int AS n FROM ${app}.people`)).rows[0].n).toBe(5);
  });

  it('a CASCADE that reaches only definitions pauses, and show lists what goes with it', async () => {
    await db.query(`CREATE SCHEMA ${app}_defs; CREATE VIEW ${app}_defs.answer AS SELECT 42 AS n; CREATE FUNCTION ${app}_defs.f() RETURNS int LANGUAGE sql AS 'SELECT 1';`);
    try {
      const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP SCHEMA ${app}_defs CASCADE` });
      expect(paused.code, paused.stderr).toBe(3);
      const show = await runCli(['show', paused.json.approval_id, '--json']);
      expect(show.json.cascade[0].objects).toEqual(expect.arrayContaining([`view ${app}_defs.answer`, `function ${app}_defs.f()`]));
      const text = await runCli(['show', paused.json.approval_id]);
      expect(text.stdout).toMatch(new RegExp(`CASCADE \\(statement 1\\) also drops: .*view ${app}_defs\\.answer`));
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${app}_defs CASCADE`);
    }
  });
});

describe('hole 9: a smoke query must be a plain read', () => {
  it('COPY … TO a server file as a smoke query is refused by verify: the thread fails, and no file is written', async () => {
    const file = path.join(os.tmpdir(), `airlock-smoke-${randomBytes(4).toString('hex')}`);
    const development = { ...STRICT_POLICY.environments.development, smokeQueries: [{ name: 'copy-out', sql: `COPY (SELECT 1) TO '${file}'`, expect: 1 }] };
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, environments: { ...STRICT_POLICY.environments, development } }) });
    await db.query(`CREATE TABLE ${db.schema}.t (id int PRIMARY KEY, v int); INSERT INTO ${db.schema}.t VALUES (1, 1)`);
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: `UPDATE ${db.schema}.t SET v = 2 WHERE id = 1`, env });
    expect(result.json.status).toBe('failed');
    expect(result.json.reason).toMatch(/copy-out: the smoke query is not one plain read-only SELECT \(smoke-query-not-plain-read/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
