import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-demo-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('airlock demo (npm start)', () => {
  it('narrates pause → approval → execution → audit on a fresh embedded database, exits 0 and stops its server', async () => {
    // Even with DATABASE_URL set, the demo only ever uses the embedded database.
    const env = cliEnv({ AIRLOCK_HOME: home, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never', TARGET_DATABASE_URL: undefined });
    const demo = await runCli(['demo'], { env });
    expect(demo.code, demo.stderr + demo.stdout).toBe(0);
    const out = demo.stdout;
    const order = [
      'Started PostgreSQL',
      'COMPLETED in production: SELECT, 1 row',
      'PAUSED for approval in production: destructive — DROP TABLE airlock_demo.legacy_sessions',
      'still has 5000 rows',
      'Confirmation token: ',
      'needs its confirmation token',
      'COMPLETED in production: DROP',
      'airlock_demo.legacy_sessions is gone',
      'classify destructive',
      'approve  pending_approval',
      'approve  approved',
      'execute  completed',
      'audit    completed',
      'Stopped the embedded PostgreSQL the demo started',
    ];
    let from = 0;
    for (const line of order) {
      const at = out.indexOf(line, from);
      expect(at, `"${line}" after position ${from} in:\n${out}`).toBeGreaterThanOrEqual(0);
      from = at;
    }
    const status = await runCli(['db', 'status', '--json'], { env: cliEnv({ AIRLOCK_HOME: home }) });
    expect(status.json.running).toBe(false);

    // npm start again on the same AIRLOCK_HOME: the demo resets its schema, and the second
    // legacy_sessions goes to the trash beside the first (its index names no longer collide).
    const again = await runCli(['demo'], { env });
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain('Each run resets schema airlock_demo');
    expect(again.stdout).toContain('airlock_demo.legacy_sessions is gone');

    // Its closing hint runs as printed: a real table, a named requester, a pause for approval.
    const hint = again.stdout.match(/^ {2}echo "(.*)" \| npx airlock migrate - (.*)$/m);
    expect(hint, again.stdout).not.toBeNull();
    const tried = await runCli(['migrate', '-', ...hint![2]!.split(' '), '--json'], { input: hint![1]!, env: cliEnv({ AIRLOCK_HOME: home }) });
    expect(tried.code, tried.stderr).toBe(3);
    expect(tried.json.approval_id).toMatch(/^apr-/);
    await runCli(['db', 'stop'], { env: cliEnv({ AIRLOCK_HOME: home }) });
  }, 300_000);
});
