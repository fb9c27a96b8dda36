import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clockAhead, cliEnv, runCli, allPending } from '../helpers/cli.ts';
import { createScratchDatabase, openSandbox, type Sandbox } from '../helpers/database.ts';
import { FIXTURES_DIR, loadFixture } from '../helpers/replay.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int); INSERT INTO ${db.schema}.t VALUES (1), (2)`);
});
afterEach(() => db.close());

describe("Airlock's clock is an input: AIRLOCK_NOW and replay --at", () => {
  it('airlock replay a year from now (AIRLOCK_NOW=+1 year) still gives the recorded outcome, judged at the recording time', async () => {
    const file = `${FIXTURES_DIR}/migration-drop-table.json`;
    const fixture = loadFixture(file);
    const target = await createScratchDatabase('replay_clock');
    const seeded = new pg.Client({ connectionString: target.url });
    try {
      await seeded.connect();
      await seeded.query(fixture.recording!.seed);
      const env = cliEnv({ AIRLOCK_NOW: clockAhead('366d') });
      const replay = await runCli(['replay', file, '--decision', 'approve', '--as', 'alice', '--target', target.url, '--json'], { env });
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.json).toMatchObject({ status: 'completed', replay: { effects: 'committed', decided_at: fixture.exported_at } });
      const { rows } = await seeded.query("SELECT to_regclass('public.accounts') IS NULL AS gone");
      expect(rows[0].gone).toBe(true);
    } finally {
      await seeded.end().catch(() => {});
      await target.drop();
    }
  });

  it('replay --at that is not an instant with its zone is bad input: one line, exit 2, nothing replayed', async () => {
    for (const at of ['yesterday', '2026-11-24', '2026-11-24T10:00:00']) {
      const result = await runCli(['replay', `${FIXTURES_DIR}/migration-drop-table.json`, '--decision', 'approve', '--at', at, '--json']);
      expect(result.code, at).toBe(2);
      expect(result.json.error).toMatch(/^--at takes an instant with its zone, like 2026-11-24T09:00:00Z, not ".*" \(nothing was replayed\)$/);
    }
  });

  it('AIRLOCK_NOW can only move the clock forward: an earlier time, or something that is not a time, is refused and nothing runs', async () => {
    const sql = `DELETE FROM ${db.schema}.t WHERE id = 1;`;
    for (const [now, message] of [
      ['2020-01-01T00:00:00Z', /^AIRLOCK_NOW=2020-01-01T00:00:00Z is before the real time .*: Airlock's clock can only be moved forward .*unset it \(nothing was run\)$/],
      ['-3d', /^AIRLOCK_NOW must be an offset like \+365d or an instant with its zone like 2027-12-03T10:00:00Z, not "-3d"/],
      ['next tuesday', /^AIRLOCK_NOW must be an offset like \+365d/],
    ] as const) {
      const result = await runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: sql, env: cliEnv({ AIRLOCK_NOW: now }) });
      expect(result.code, now).toBe(2);
      expect(result.json.error).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await db.count('t')).toBe(2);
  });

  it('a pending approval shows its age by the clock the command runs with', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TABLE ${db.schema}.t;` });
    expect(paused.code, paused.stderr).toBe(3);
    const inbox = await allPending({ env: cliEnv({ AIRLOCK_NOW: clockAhead('30h') }) });
    const row = inbox.find((approval: { approval_id: string }) => approval.approval_id === paused.json.approval_id);
    expect(row.age).toBe('30h');
    await runCli(['reject', paused.json.approval_id, '--as', 'alice', '--reason', 'test over', '--json']);
    expect(await db.tableExists('t')).toBe(true);
  });
});
