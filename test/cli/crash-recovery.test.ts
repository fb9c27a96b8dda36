import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

/**
 * AIRLOCK_FAULT kills the real `airlock` process at a named point; then
 * `airlock resume` finishes the thread. Each migration adds 1 to a counter,
 * so after N crashed-and-resumed runs the counter must read exactly N.
 */
const REPETITIONS = 20;
const AT_ONCE = 4;

let db: Sandbox;
beforeAll(async () => {
  db = await openSandbox();
});
afterAll(() => db.close());

// A backup is taken before destructive statements; to crash during one without
// stopping for approval 20 times, this policy lets destructive SQL run in development.
const RUN_DESTRUCTIVE = writePolicy({
  ...STRICT_POLICY,
  environments: {
    ...STRICT_POLICY.environments,
    development: { tiers: { read: 'allow', write: 'allow', destructive: 'allow' }, fourEyes: false },
  },
});

async function crashThenResume(point: string, counter: string, index: number) {
  const thread = `crash-${point}-${index}-${randomBytes(3).toString('hex')}`;
  // during-backup needs a destructive statement (it is backed up first): an UPDATE of every row.
  const sql =
    point === 'during-backup'
      ? `UPDATE ${db.schema}.${counter} SET n = n + 1;`
      : `UPDATE ${db.schema}.${counter} SET n = n + 1 WHERE id = 1;`;
  const policy = point === 'during-backup' ? { AIRLOCK_POLICY: RUN_DESTRUCTIVE } : {};
  const crashed = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--thread', thread], {
    input: sql,
    env: cliEnv({ AIRLOCK_FAULT: point, ...policy }),
  });
  // Killed by SIGKILL: no exit code, nothing printed on stdout.
  expect(crashed.code, crashed.stderr).toBeNull();
  expect(crashed.stderr).toContain(`AIRLOCK_FAULT=${point}`);
  expect(crashed.stdout).toBe('');
  const resumed = await runCli(['resume', thread, '--json'], { env: cliEnv(policy) });
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.json).toMatchObject({ thread_id: thread, status: 'completed', resumed: true });
  return resumed.json;
}

describe.each(['before-execute', 'during-backup', 'after-commit', 'after-checkpoint'])('a crash at %s', (point) => {
  it(`${REPETITIONS} crashed runs, each resumed: the effect is applied exactly once each time`, async () => {
    const counter = `counter_${point.replace(/-/g, '_')}`;
    await db.query(`CREATE TABLE ${db.schema}.${counter} (id int PRIMARY KEY, n int NOT NULL); INSERT INTO ${db.schema}.${counter} VALUES (1, 0)`);
    const outcomes: Record<string, unknown>[] = [];
    for (let start = 0; start < REPETITIONS; start += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, REPETITIONS - start) }, (_, i) => crashThenResume(point, counter, start + i));
      outcomes.push(...(await Promise.all(batch)));
    }
    const { rows } = await db.query(`SELECT n FROM ${db.schema}.${counter}`);
    expect(rows).toEqual([{ n: REPETITIONS }]);
    // After a commit whose checkpoint was lost, the ledger is what stops the second run.
    if (point === 'after-commit') expect(outcomes.every((o) => o.already_done === true)).toBe(true);
    else expect(outcomes.some((o) => o.already_done)).toBe(false);
    if (point === 'during-backup') {
      // The crashed transaction took its half-made backup with it: one backup per run, each of the counter's one row.
      expect(outcomes.every((o) => (o.backups as unknown[] | undefined)?.length === 1)).toBe(true);
      const threads = outcomes.map((o) => o.thread_id);
      const { rows: backups } = await db.query('SELECT count(*)::int AS n FROM airlock.backups WHERE thread_id = ANY($1)', [threads]);
      expect(backups).toEqual([{ n: REPETITIONS }]);
    }
  }, 300_000); // 40 airlock processes; on a busy 2-core machine that is more than the default 90 s
});

describe('airlock resume', () => {
  it('says so, and runs nothing, for a thread that already ended or waits for a decision', async () => {
    const done = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: 'SELECT 1;' });
    const again = await runCli(['resume', done.json.thread_id, '--json']);
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ status: 'completed', resumed: false });
    expect(again.stderr).toMatch(/had already ended \(completed\); nothing was run/);

    await db.query(`CREATE TABLE ${db.schema}.keep (id int)`);
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TABLE ${db.schema}.keep;` });
    const waiting = await runCli(['resume', paused.json.thread_id, '--json']);
    expect(waiting.code).toBe(3);
    expect(waiting.stderr).toMatch(/waiting for a decision on apr-/);
    expect(await db.tableExists('keep')).toBe(true);
  });

  it('an unknown thread is bad input, and a thread name cannot be reused', async () => {
    const unknown = await runCli(['resume', 'no-such-thread', '--json']);
    expect(unknown.code).toBe(2);
    const first = await runCli(['migrate', '-', '--env', 'development', '--thread', 'named-once-' + randomBytes(3).toString('hex'), '--json'], { input: 'SELECT 1;' });
    const reused = await runCli(['migrate', '-', '--env', 'development', '--thread', first.json.thread_id, '--json'], { input: 'SELECT 2;' });
    expect(reused.code).toBe(2);
    expect(reused.json.error).toMatch(/already exists: use "airlock resume/);
  });
});
