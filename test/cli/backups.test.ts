import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';

// A target database of this file's own: pruning removes every old backup in it.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let target: pg.Client;
const env = () => cliEnv({ TARGET_DATABASE_URL: scratch.url });

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_backups');
  target = new pg.Client({ connectionString: scratch.url });
  target.on('error', () => {});
  await target.connect();
  await target.query('CREATE TABLE events (id int PRIMARY KEY, kind text); INSERT INTO events SELECT n, CASE WHEN n <= 10 THEN $$debug$$ ELSE $$order$$ END FROM generate_series(1, 100) n');
});
afterAll(async () => {
  await target?.end();
  await scratch?.drop();
});

/** A cleanup in development: it removes rows, so it is destructive and runs once approved with its token. */
async function approvedCleanup(where: string) {
  const paused = await runCli(['cleanup', '--table', 'events', '--where', where, '--env', 'development', '--as', 'dev', '--json'], { env: env() });
  expect(paused.code, paused.stderr).toBe(3);
  const token = (await runCli(['show', paused.json.approval_id, '--json'], { env: env() })).json.confirmation_token;
  return runCli(['approve', paused.json.approval_id, '--as', 'dev', '--token', token, '--json'], { env: env() });
}

describe('airlock backups', () => {
  it('lists what a cleanup kept, prunes only when asked, and an undo of a pruned backup is refused', async () => {
    const cleanup = await approvedCleanup("kind = 'debug'");
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.json.blast_radius).toMatchObject({ rows: 10, table_rows: 100, pct: 10 });
    const actionId = cleanup.json.action_id as string;

    const listed = await runCli(['backups', '--json'], { env: env() });
    expect(listed.json.backups).toEqual([expect.objectContaining({ action_id: actionId, kind: 'rows', source: 'public.events', rows: 10 })]);

    const badAge = await runCli(['backups', 'prune', '--older-than', 'soon', '--json'], { env: env() });
    expect(badAge.code).toBe(2);
    const nothing = await runCli(['backups', 'prune', '--older-than', '30d', '--json'], { env: env() });
    expect(nothing.json.pruned).toEqual([]);

    const pruned = await runCli(['backups', 'prune', '--older-than', '0m', '--as', 'ops', '--json'], { env: env() });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.json.pruned).toEqual([{ action_id: actionId, backup: `airlock_backup.${actionId}` }]);
    const undo = await runCli(['undo', actionId, '--as', 'dev', '--json'], { env: env() });
    expect(undo.code).toBe(2);
    expect(undo.json.error).toMatch(/no action .* with a backup|is gone/);
    expect(Number((await target.query('SELECT count(*) FROM events')).rows[0].count)).toBe(90);
  });

  it('an undo whose backup table was removed by hand is refused, and nothing changes', async () => {
    const cleanup = await approvedCleanup('id > 95');
    expect(cleanup.code, cleanup.stderr).toBe(0);
    await target.query(`DROP TABLE airlock_backup.${cleanup.json.action_id}`);
    const undo = await runCli(['undo', cleanup.json.action_id, '--as', 'dev', '--json'], { env: env() });
    expect(undo.code).toBe(2);
    expect(undo.json.error).toMatch(/is gone \(pruned, or removed by hand\)/);
    expect(Number((await target.query('SELECT count(*) FROM events')).rows[0].count)).toBe(85);
  });

  it('a backup that was undone is listed as undone, with the undo that did it', async () => {
    const cleanup = await approvedCleanup('id BETWEEN 80 AND 84');
    expect(cleanup.code, cleanup.stderr).toBe(0);
    const actionId = cleanup.json.action_id as string;
    const before = (await runCli(['backups', '--json'], { env: env() })).json.backups.find((b: { action_id: string }) => b.action_id === actionId);
    expect(before).toMatchObject({ undone: false });
    const undo = await runCli(['undo', actionId, '--as', 'dev', '--json'], { env: env() });
    expect(undo.code, undo.stderr).toBe(0);
    const after = (await runCli(['backups', '--json'], { env: env() })).json.backups.find((b: { action_id: string }) => b.action_id === actionId);
    expect(after).toMatchObject({ undone: true, undone_by: `undo-${actionId}`, undone_at: expect.any(String) });
    const text = await runCli(['backups'], { env: env() });
    expect(text.stdout).toMatch(new RegExp(`${actionId} .* UNDONE by undo-${actionId}`));
  });
});
