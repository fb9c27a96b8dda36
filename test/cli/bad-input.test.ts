import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { cliEnv, runCli } from '../helpers/cli.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int); INSERT INTO ${db.schema}.t VALUES (1)`);
});
afterEach(() => db.close());

function oneLine(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^airlock: /);
  return lines[0]!;
}

describe('bad input gets one line, a non-zero exit, and nothing runs', () => {
  it('unparseable SQL exits 2 with the parser’s message and position, audited, nothing run', async () => {
    const result = await runCli(['migrate', '-', '--env', 'production', '--json'], {
      input: `DELETE FROM ${db.schema}.t;\nDROP TABEL ${db.schema}.t;`,
    });
    expect(result.code).toBe(2);
    expect(result.json.status).toBe('blocked');
    expect(result.json.tier).toBe('forbidden');
    expect(result.json.reason).toMatch(/syntax error at or near "TABEL" at line 2, column 6/);
    expect(await db.count('t')).toBe(1);
    const history = await runCli(['history', result.json.thread_id, '--json']);
    expect(history.json.audit.map((a: any) => `${a.step}:${a.outcome}`)).toEqual(['classify:blocked', 'audit:blocked']);
  });

  it('forbidden statements are blocked with exit 4 even in development', async () => {
    const result = await runCli(['migrate', '-', '--env', 'development', '--json'], {
      input: `SELECT 1; COMMIT; DROP TABLE ${db.schema}.t;`,
    });
    expect(result.code).toBe(4);
    expect(result.json).toMatchObject({ status: 'blocked', tier: 'forbidden' });
    expect(result.json.rules).toContain('transaction-control');
    expect(await db.tableExists('t')).toBe(true);
  });

  it('a missing --env exits 2 and says how to name the environment', async () => {
    const result = await runCli(['migrate', '-'], { input: `DROP TABLE ${db.schema}.t;` });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/--env is required.*--env production/);
    expect(await db.tableExists('t')).toBe(true);
  });

  it('a missing file exits 2', async () => {
    const result = await runCli(['migrate', '/nonexistent/file.sql', '--env', 'production']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/cannot read \/nonexistent\/file.sql \(ENOENT\)/);
  });

  it('an unknown approval id exits 2 and points at the inbox', async () => {
    for (const command of [['approve', 'apr-0000000000', '--as', 'alice'], ['reject', 'apr-0000000000', '--as', 'alice'], ['show', 'apr-0000000000']]) {
      const result = await runCli(command);
      expect(result.code).toBe(2);
      expect(oneLine(result.stderr)).toMatch(/no approval apr-0000000000: run "airlock inbox"/);
    }
  });

  it('approve without a reviewer exits 2', async () => {
    const result = await runCli(['approve', 'apr-0000000000'], { env: cliEnv({ AIRLOCK_REVIEWER: undefined }) });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/--as NAME/);
  });

  it('an unknown thread in history exits 2', async () => {
    const result = await runCli(['history', 'mig-nope', '--json']);
    expect(result.code).toBe(2);
    expect(result.json.error).toMatch(/no thread mig-nope/);
  });

  it('an unreachable database exits 2 with the address and what to check', async () => {
    const result = await runCli(['migrate', '-', '--env', 'production', '--json'], {
      input: 'SELECT 1;',
      env: cliEnv({ DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/nowhere' }),
    });
    expect(result.code).toBe(2);
    expect(result.json.error).toMatch(/cannot reach the database at 127.0.0.1:1\/nowhere .*check DATABASE_URL/);
    expect(result.stderr).not.toContain('secret');
  });

  it('an unknown command or option is a usage error, exit 2', async () => {
    expect((await runCli(['migrat'])).code).toBe(2);
    expect((await runCli(['inbox', '--bogus'])).code).toBe(2);
    expect((await runCli(['--help'])).code).toBe(0);
  });

  it('an empty SQL file exits 2', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-sql-')), 'empty.sql');
    fs.writeFileSync(file, '  \n');
    const result = await runCli(['migrate', file, '--env', 'production']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/holds no SQL/);
  });
});
