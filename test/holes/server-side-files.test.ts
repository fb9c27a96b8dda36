import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

/**
 * Holes #1: `COPY (SELECT …) TO '/some/path'` was tiered `read` and ran in
 * production with no approval, writing a file as the database server's OS
 * user. COPY to or from a server file, or a program, is now forbidden; only
 * COPY … TO STDOUT stays a read.
 */

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x' FROM generate_series(1, 50) n;`);
});
afterEach(() => db.close());

async function auditOf(threadId: string) {
  const audit = await runCli(['audit', '--thread', threadId, '--json']);
  expect(audit.code, audit.stderr).toBe(0);
  return audit.json.entries as { step: string; outcome: string; detail: { rules?: string[] } }[];
}

describe('COPY to or from a server file, through the real CLI on the real Postgres', () => {
  it.each(['production', 'development'])('COPY … TO a server file is blocked in %s, the file is never written, and the attempt is audited', async (environment) => {
    const file = `/tmp/airlock-hole1-${randomBytes(4).toString('hex')}.csv`;
    const sql = `COPY (SELECT * FROM ${db.schema}.users) TO '${file}';`;
    const result = await runCli(['migrate', '-', '--env', environment, '--as', 'dev', '--json'], { input: sql });
    expect(result.code, result.stderr).toBe(4);
    expect(result.json).toMatchObject({ status: 'blocked', tier: 'forbidden' });
    expect(result.json.rules).toContain('copy-server-file');
    expect(fs.existsSync(file)).toBe(false);
    expect(await db.count('users')).toBe(50);
    const entries = await auditOf(result.json.thread_id);
    expect(entries.some((entry) => entry.step === 'classify' && (entry.detail.rules ?? []).includes('copy-server-file'))).toBe(true);
    expect(entries.some((entry) => entry.outcome === 'blocked')).toBe(true);
  });

  it('COPY … FROM a server file and COPY … TO PROGRAM are blocked too; the table is unchanged', async () => {
    const marker = `/tmp/airlock-hole1-program-${randomBytes(4).toString('hex')}`;
    for (const [sql, rule] of [
      [`COPY ${db.schema}.users FROM '/etc/hostname';`, 'copy-server-file'],
      [`COPY ${db.schema}.users TO PROGRAM 'touch ${marker}';`, 'copy-program'],
    ] as const) {
      const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: sql });
      expect(result.code, result.stderr).toBe(4);
      expect(result.json.rules).toContain(rule);
      expect((await auditOf(result.json.thread_id)).some((entry) => entry.outcome === 'blocked')).toBe(true);
    }
    expect(fs.existsSync(marker)).toBe(false);
    expect(await db.count('users')).toBe(50);
  });

  it('COPY … TO STDOUT stays a read: check allows it in production', async () => {
    const result = await runCli(['check', '-', '--env', 'production', '--json'], { input: `COPY ${db.schema}.users TO STDOUT;` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ tier: 'read', decision: 'allow' });
    const fromFile = await runCli(['check', '-', '--env', 'production', '--json'], { input: `COPY ${db.schema}.users TO '/tmp/x.csv';` });
    expect(fromFile.code).toBe(4);
    expect(fromFile.json).toMatchObject({ tier: 'forbidden', decision: 'block' });
  });
});
