import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { auditOf, expectBackupKeysMatch, rowsById } from './helpers.ts';

// Issue 14, hole 7: the backup and the delete each evaluated random(); 29 of
// the 30 rows kept were not the ones deleted. Filters that can pick other rows
// on a second evaluation are refused, and the rows kept come from the effect.

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.sessions (id int PRIMARY KEY, note text, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO ${db.schema}.sessions SELECT n, 'n' || n, now() - n * interval '1 day' FROM generate_series(1, 1000) n;
  `);
});
afterEach(() => db.close());

async function approveAs(approvalId: string, reviewer = 'alice') {
  const show = await runCli(['show', approvalId, '--json']);
  return runCli(['approve', approvalId, '--as', reviewer, ...(show.json.token_required ? ['--token', show.json.confirmation_token] : []), '--json']);
}

describe('hole 7: the rows kept are the rows removed', () => {
  it('cleanup --where "id IN (SELECT id … ORDER BY random() LIMIT 30)" is refused with the reason; nothing changes; audited', async () => {
    const before = await rowsById(db, 'sessions');
    const refused = await runCli(
      ['cleanup', '--table', `${db.schema}.sessions`, '--where', `id IN (SELECT id FROM ${db.schema}.sessions ORDER BY random() LIMIT 30)`, '--env', 'production', '--as', 'dev', '--json'],
    );
    expect([2, 4], refused.stderr).toContain(refused.code);
    const reason = refused.json.reason ?? refused.json.error;
    expect(reason).toMatch(/unstable-predicate/);
    expect(reason).toMatch(/random\(\) can answer differently/);
    expect(reason).toMatch(/LIMIT/);
    expect(await rowsById(db, 'sessions')).toEqual(before);
    if (refused.json.thread_id) expect((await auditOf(refused.json.thread_id)).some((row) => row.outcome === 'blocked')).toBe(true);
  });

  it('TABLESAMPLE and clock_timestamp() in a cleanup filter are refused too', async () => {
    for (const where of [`id IN (SELECT id FROM ${db.schema}.sessions TABLESAMPLE BERNOULLI (3))`, `created_at < clock_timestamp() - interval '900 days'`]) {
      const refused = await runCli(['cleanup', '--table', `${db.schema}.sessions`, '--where', where, '--env', 'production', '--as', 'dev', '--json']);
      expect([2, 4], refused.stderr).toContain(refused.code);
      expect(refused.json.reason ?? refused.json.error).toMatch(/unstable-predicate/);
    }
    expect(await db.count('sessions')).toBe(1000);
  });

  it("a migration's filtered DELETE (a write) now keeps its rows, from the DELETE's own RETURNING, and undo brings them back byte for byte", async () => {
    const before = await rowsById(db, 'sessions');
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `DELETE FROM ${db.schema}.sessions WHERE id % 25 = 0 -- every 25th`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 40, table_rows: 1000 });
    const approved = await approveAs(paused.json.approval_id);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    expect(approved.json.backups).toEqual([
      { source: `${db.schema}.sessions`, backup: `airlock_backup.${approved.json.action_id}_s1`, rows: 40, kind: 'changed' },
    ]);
    const after = await rowsById(db, 'sessions');
    await expectBackupKeysMatch(db, before, after, `airlock_backup.${approved.json.action_id}_s1`, { changeColumn: true });
    const verify = (await auditOf(approved.json.thread_id)).find((row) => row.step === 'verify');
    expect(verify?.message).toMatch(/backup holds exactly the rows changed \(by key\)/);

    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3);
    expect((await approveAs(undo.json.approval_id)).code).toBe(0);
    expect(await rowsById(db, 'sessions')).toEqual(before);
  });

  it("a migration's UPDATE keeps the old values of exactly the rows it overwrote; undo restores them", async () => {
    const before = await rowsById(db, 'sessions');
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `UPDATE ${db.schema}.sessions SET note = 'redacted' WHERE id <= 20`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    const approved = await approveAs(paused.json.approval_id);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    const after = await rowsById(db, 'sessions');
    await expectBackupKeysMatch(db, before, after, `airlock_backup.${approved.json.action_id}_s1`, { changed: 'deleted-or-updated', changeColumn: true });
    const kept = await db.query(`SELECT note FROM airlock_backup.${approved.json.action_id}_s1 WHERE id = 7`);
    expect(kept.rows).toEqual([{ note: 'n7' }]);
    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect((await approveAs(undo.json.approval_id)).code).toBe(0);
    expect(await rowsById(db, 'sessions')).toEqual(before);
  });

  it("a migration's DELETE with random() LIMIT 30 (the hole's filter): the 30 rows kept are exactly the 30 deleted", async () => {
    const before = await rowsById(db, 'sessions');
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `DELETE FROM ${db.schema}.sessions WHERE id IN (SELECT id FROM ${db.schema}.sessions ORDER BY random() LIMIT 30)`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 30, table_rows: 1000 });
    const approved = await approveAs(paused.json.approval_id);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    const after = await rowsById(db, 'sessions');
    expect(after.size).toBe(970);
    await expectBackupKeysMatch(db, before, after, `airlock_backup.${approved.json.action_id}_s1`, { changeColumn: true });
    // Byte for byte, as they were.
    const kept = await db.query(`SELECT (b.id, b.note, b.created_at)::text AS row, b.id::text AS k FROM airlock_backup.${approved.json.action_id}_s1 b`);
    for (const row of kept.rows) expect(row.row).toBe(before.get(row.k));
  });

  it('undo refuses an UPDATE that changed the key, rather than restoring part of it', async () => {
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `UPDATE ${db.schema}.sessions SET id = id + 5000 WHERE id <= 3`,
    });
    const approved = await approveAs(paused.json.approval_id);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code).toBe(4);
    expect(undo.json.error).toMatch(/no longer in .* under their old key/);
  });
});
