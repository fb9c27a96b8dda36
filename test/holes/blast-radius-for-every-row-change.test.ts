import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { auditOf, expectBackupKeysMatch, rowsById } from './helpers.ts';

// Issue 14, hole 2: MERGE … WHEN MATCHED THEN DELETE emptied a 1,000-row table
// after a plain write approval, and INSERT … SELECT … ON CONFLICT DO UPDATE
// overwrote every row, both with no count. Now each is measured arm by arm,
// capped like a DELETE, and backed up from its own RETURNING.

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`
    CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, email text NOT NULL);
    INSERT INTO ${db.schema}.users SELECT n, 'u' || n || '@x' FROM generate_series(1, 1000) n;
    CREATE TABLE ${db.schema}.incoming (id int, email text);
    INSERT INTO ${db.schema}.incoming SELECT n, 'new' || n || '@x' FROM generate_series(1, 1000) n;
  `);
});
afterEach(() => db.close());

async function approveAs(approvalId: string, reviewer = 'alice') {
  const show = await runCli(['show', approvalId, '--json']);
  return runCli(['approve', approvalId, '--as', reviewer, ...(show.json.token_required ? ['--token', show.json.confirmation_token] : []), '--json']);
}

describe('hole 2: MERGE and upserts have a blast radius, caps and a backup, like a DELETE', () => {
  it('MERGE … WHEN MATCHED THEN DELETE that matches the whole table is blocked over the cap, measured; nothing changes', async () => {
    const before = await rowsById(db, 'users');
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `MERGE INTO ${db.schema}.users u USING ${db.schema}.incoming i ON u.id = i.id WHEN MATCHED THEN DELETE`,
    });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json).toMatchObject({ status: 'blocked', blast_radius: { rows: 1000, table_rows: 1000, pct: 100, estimated: false } });
    expect(blocked.json.blast_radius.arms).toEqual([{ action: 'delete', label: 'WHEN MATCHED THEN DELETE (clause 1)', rows: 1000 }]);
    expect(blocked.json.reason).toMatch(/blast-radius-cap/);
    expect(await rowsById(db, 'users')).toEqual(before);
    const audit = await auditOf(blocked.json.thread_id);
    expect(audit.find((row) => row.step === 'dry-run')).toMatchObject({ outcome: 'blocked' });
  });

  it('INSERT … SELECT … ON CONFLICT DO UPDATE that overwrites every row is blocked over the cap, like UPDATE without WHERE', async () => {
    const before = await rowsById(db, 'users');
    const blocked = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `INSERT INTO ${db.schema}.users SELECT id, email FROM ${db.schema}.incoming ON CONFLICT (id) DO UPDATE SET email = excluded.email`,
    });
    expect(blocked.code, blocked.stderr).toBe(4);
    expect(blocked.json.blast_radius).toMatchObject({ rows: 1000, table_rows: 1000, pct: 100 });
    expect(blocked.json.blast_radius.arms).toEqual([
      { action: 'update', label: 'ON CONFLICT DO UPDATE (rows that conflict)', rows: 1000 },
      { action: 'insert', label: 'rows inserted', rows: 0 },
    ]);
    expect(await rowsById(db, 'users')).toEqual(before);
  });

  it('a MERGE under the cap pauses with each arm counted; approved, the backup holds exactly the rows it deleted and updated, and undo puts them back', async () => {
    await db.query(`DELETE FROM ${db.schema}.incoming WHERE id > 40; INSERT INTO ${db.schema}.incoming VALUES (5000, 'brand@new')`);
    const before = await rowsById(db, 'users');
    const sql = `MERGE INTO ${db.schema}.users u USING ${db.schema}.incoming i ON u.id = i.id
      WHEN MATCHED AND i.id <= 10 THEN DELETE
      WHEN MATCHED THEN UPDATE SET email = i.email
      WHEN NOT MATCHED THEN INSERT VALUES (i.id, i.email)`;
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: sql });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 40, table_rows: 1000, pct: 4 });
    expect(paused.json.blast_radius.arms.map((arm: any) => [arm.action, arm.rows])).toEqual([
      ['delete', 10],
      ['update', 30],
      ['insert', 1],
    ]);
    const show = await runCli(['show', paused.json.approval_id]);
    expect(show.stdout).toMatch(/10 deleted, 30 updated, 1 inserted/);
    expect(show.stdout).toMatch(/airlock_backup\.act_\w+_s1, from the statement's own RETURNING/);

    const approved = await approveAs(paused.json.approval_id);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    const after = await rowsById(db, 'users');
    expect(after.size).toBe(991);
    const backup = `airlock_backup.${approved.json.action_id}_s1`;
    await expectBackupKeysMatch(db, before, after, backup, { changed: 'deleted-or-updated', changeColumn: true });
    // The inserted row is kept too, so that undo can take it out again.
    expect((await db.query(`SELECT id FROM ${backup} WHERE airlock_change = 'INSERT'`)).rows).toEqual([{ id: 5000 }]);

    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    expect(undo.code, undo.stderr).toBe(3);
    const restored = await approveAs(undo.json.approval_id);
    expect(restored.code, restored.stderr + JSON.stringify(restored.json)).toBe(0);
    expect(await rowsById(db, 'users')).toEqual(before);
  });

  it('an upsert under the cap pauses with the conflicting rows counted; approved, the old values are kept and undo restores them', async () => {
    await db.query(`DELETE FROM ${db.schema}.incoming WHERE id > 20; INSERT INTO ${db.schema}.incoming VALUES (2000, 'fresh@x')`);
    const before = await rowsById(db, 'users');
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], {
      input: `INSERT INTO ${db.schema}.users SELECT id, email FROM ${db.schema}.incoming ON CONFLICT (id) DO UPDATE SET email = excluded.email`,
    });
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.json.blast_radius).toMatchObject({ rows: 20, table_rows: 1000, pct: 2 });
    const approved = await approveAs(paused.json.approval_id);
    expect(approved.code, approved.stderr + JSON.stringify(approved.json)).toBe(0);
    const after = await rowsById(db, 'users');
    expect(after.size).toBe(1001);
    await expectBackupKeysMatch(db, before, after, `airlock_backup.${approved.json.action_id}_s1`, { changed: 'deleted-or-updated', changeColumn: true });
    const undo = await runCli(['undo', approved.json.action_id, '--as', 'dev', '--json']);
    const restored = await approveAs(undo.json.approval_id);
    expect(restored.code, restored.stderr + JSON.stringify(restored.json)).toBe(0);
    expect(await rowsById(db, 'users')).toEqual(before);
  });
});
