import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, startCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

/**
 * Holes #9, the classifier's part: limits that failed open. Six nested
 * `DO … EXECUTE` around a DELETE came out `write` with no rules; 5,000 nested
 * NOTs crashed; nothing bounded the size of the text; `--env __proto__`
 * crashed; `countBudgetMs: 3000000000` was accepted and made every dry-run
 * fail. Each now ends in a refusal that names the limit, with the data
 * unchanged and the attempt audited.
 */

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x' FROM generate_series(1, 40) n;`);
});
afterEach(() => db.close());

function nestedDo(levels: number, inner: string): string {
  let sql = inner;
  for (let level = 0; level < levels; level++) sql = `DO $d${level}$ BEGIN EXECUTE $e${level}$ ${sql} $e${level}$; END $d${level}$`;
  return `${sql};`;
}

async function auditOf(threadId: string) {
  const audit = await runCli(['audit', '--thread', threadId, '--json']);
  expect(audit.code, audit.stderr).toBe(0);
  return audit.json.entries as { step: string; outcome: string; message: string; detail: { rules?: string[] } }[];
}

describe('limits fail closed, through the real CLI on the real Postgres', () => {
  it('six nested DO … EXECUTE around a DELETE are forbidden (nesting-limit), the rows stay, the attempt is audited', async () => {
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], {
      input: nestedDo(6, `DELETE FROM ${db.schema}.users`),
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.json).toMatchObject({ status: 'blocked', tier: 'forbidden' });
    expect(result.json.rules).toContain('nesting-limit');
    expect(await db.count('users')).toBe(40);
    const entries = await auditOf(result.json.thread_id);
    expect(entries.some((entry) => entry.step === 'classify' && (entry.detail.rules ?? []).includes('nesting-limit'))).toBe(true);
  });

  it('four nested levels are still unwrapped and judged: destructive, paused for a token', async () => {
    const check = await runCli(['check', '-', '--env', 'development', '--json'], { input: nestedDo(4, `DELETE FROM ${db.schema}.users`) });
    expect(check.json).toMatchObject({ tier: 'destructive', token_required: true });
  });

  it('5,000 nested NOTs give a clean forbidden verdict, not a crash; the rows stay; the attempt is audited', async () => {
    const sql = `DELETE FROM ${db.schema}.users WHERE ${'NOT '.repeat(5000)}true;`;
    const check = await runCli(['check', '-', '--json'], { input: sql });
    expect(check.code, check.stderr).toBe(4);
    expect(check.json.statements[0].rules).toContain('nesting-limit');
    const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: sql });
    expect(result.code, result.stderr).toBe(4);
    expect(result.json.rules).toContain('nesting-limit');
    expect(await db.count('users')).toBe(40);
    expect((await auditOf(result.json.thread_id)).some((entry) => entry.outcome === 'blocked')).toBe(true);
  });

  it('SQL over 1 MB is refused before it is parsed, with the limit in the line (exit 2), and the refusal is audited', async () => {
    const file = path.join(os.tmpdir(), `airlock-hole9-${randomBytes(4).toString('hex')}.sql`);
    fs.writeFileSync(file, `DELETE FROM ${db.schema}.users;\n${'SELECT 1;\n'.repeat(120_000)}`);
    try {
      const started = Date.now();
      const check = await runCli(['check', file, '--json']);
      expect(check.code).toBe(2);
      expect(check.json.error).toMatch(/over Airlock's limit of 1\.0 MB \(input-limit\)/);
      // Piped: refused once the limit is passed, without reading the rest (the writer then sees EPIPE, as with `head`).
      const piped = startCli(['check', '-', '--json'], { input: fs.readFileSync(file, 'utf8') });
      piped.stdin!.on('error', () => {});
      let out = '';
      piped.stdout!.on('data', (chunk) => (out += chunk));
      const pipedCode = await new Promise<number | null>((resolve) => piped.on('close', resolve));
      expect(pipedCode).toBe(2);
      expect(JSON.parse(out).error).toMatch(/limit of 1\.0 MB/);
      const result = await runCli(['migrate', file, '--env', 'development', '--as', 'dev', '--json']);
      expect(result.code).toBe(2);
      expect(result.json.error).toMatch(/limit of 1\.0 MB \(input-limit\)/);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(await db.count('users')).toBe(40);
      const audit = await runCli(['audit', '--json', '--limit', '200']);
      const refusal = (audit.json.entries as { message: string; detail: { rules?: string[]; source?: string } }[]).find(
        (entry) => entry.detail.source === file,
      );
      expect(refusal?.detail.rules).toEqual(['input-limit']);
      expect(refusal?.message).toMatch(/Refused before parsing/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('more than 1,000 statements are forbidden, with the limit in the line', async () => {
    const check = await runCli(['check', '-', '--json'], { input: 'SELECT 1;\n'.repeat(1001) });
    expect(check.code).toBe(4);
    expect(check.json).toMatchObject({ tier: 'forbidden' });
    expect(check.json.error).toMatch(/1001 statements, over Airlock's limit of 1000 \(input-limit\)/);
  });

  it.each(['__proto__', 'constructor', 'toString'])('--env %s does not crash: it is refused or judged as production, and nothing runs', async (name) => {
    const result = await runCli(['migrate', '-', '--env', name, '--as', 'dev', '--json'], { input: `DELETE FROM ${db.schema}.users WHERE id = 1;` });
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect([3, 4]).toContain(result.code);
    expect(await db.count('users')).toBe(40);
    expect((await auditOf(result.json.thread_id)).some((entry) => entry.step === 'permit')).toBe(true);
    if (name === '__proto__') {
      expect(result.code).toBe(4);
      expect(result.json.reason).toMatch(/"__proto__" \(--env\) is not an environment name/);
    }
  });

  it('a policy with countBudgetMs 3000000000 is refused with the path and the bound (exit 2), and nothing runs', async () => {
    const production = { ...STRICT_POLICY.environments.production, blastRadius: { maxRows: 100_000, maxPercent: 50, countBudgetMs: 3_000_000_000 } };
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, environments: { ...STRICT_POLICY.environments, production } }) });
    const result = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DELETE FROM ${db.schema}.users WHERE id < 10;`, env });
    expect(result.code).toBe(2);
    expect(result.json.error).toMatch(/environments\.production\.blastRadius\.countBudgetMs: at most 300000 ms/);
    expect(await db.count('users')).toBe(40);
  });
});
