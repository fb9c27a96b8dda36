import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';

/**
 * Issue 14, hole 4: Airlock's own objects. The audit hash function was
 * replaced through `airlock migrate` as a `write`, and an unqualified name
 * resolved through search_path to airlock.approvals and was updated. Whatever
 * resolves to Airlock's schemas is now forbidden: exit 4, nothing changed,
 * the attempt audited.
 */

let state: pg.Client;
beforeAll(async () => {
  state = new pg.Client({ connectionString: inject('stateUrl') });
  await state.connect();
  await runCli(['inbox', '--json']); // Airlock's schema exists before the first test reads it
});
afterAll(() => state.end());

const migrate = (sql: string, env: Record<string, string | undefined> = {}) =>
  runCli(['migrate', '-', '--env', 'development', '--as', 'dev', '--json'], { input: sql, env: cliEnv(env) });

async function classifyAudit(threadId: string) {
  const entries = (await runCli(['audit', '--thread', threadId, '--json'])).json.entries as any[];
  return entries.find((entry) => entry.step === 'classify');
}

const hashDefinition = async () =>
  (await state.query(`SELECT pg_get_functiondef('airlock.audit_row_hash(airlock.audit)'::regprocedure) AS d`)).rows[0].d as string;

describe("hole 4: Airlock's own objects are forbidden by any name", () => {
  it('replacing the audit hash function through migrate: forbidden, exit 4, the function unchanged, the attempt audited', async () => {
    const before = await hashDefinition();
    const result = await migrate(`CREATE OR REPLACE FUNCTION airlock.audit_row_hash(a airlock.audit) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'forged' $$;`);
    expect(result.code, result.stderr).toBe(4);
    expect(result.json).toMatchObject({ status: 'blocked', rules: expect.arrayContaining(['airlock-objects']) });
    expect(await hashDefinition()).toBe(before);
    expect(await classifyAudit(result.json.thread_id)).toMatchObject({ outcome: 'forbidden' });
    expect((await runCli(['audit', '--verify', '--json'])).json.ok).toBe(true);
  });

  it('SET search_path = airlock; UPDATE approvals SET status = … : forbidden, no approval changed', async () => {
    // An approval of this test's own that the forged UPDATE would flip (other files approve theirs at the same time).
    await state.query('CREATE TABLE IF NOT EXISTS public.airlock_objects_probe (id int)');
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: 'DROP TABLE public.airlock_objects_probe;' });
    expect(paused.code, paused.stderr).toBe(3);
    const forgedCount = `SELECT count(*)::int AS n FROM airlock.approvals WHERE status = 'approved' AND decided_by IS NULL`;
    const { rows: before } = await state.query(forgedCount);
    const result = await migrate(`SET search_path = airlock; UPDATE approvals SET status = 'approved' WHERE status = 'pending';`);
    expect(result.code, result.stderr).toBe(4);
    expect(result.json.rules).toContain('airlock-objects');
    const { rows: mine } = await state.query('SELECT status FROM airlock.approvals WHERE approval_id = $1', [paused.json.approval_id]);
    expect(mine[0].status).toBe('pending');
    // Every approved row was decided by someone: none was flipped without a decision.
    expect((await state.query(forgedCount)).rows).toEqual(before);
    expect(await classifyAudit(result.json.thread_id)).toMatchObject({ outcome: 'forbidden' });
    await runCli(['reject', paused.json.approval_id, '--as', 'alice', '--reason', 'test probe', '--json']);
  });

  it("set_config('search_path', 'airlock', false) in a SELECT, and inside a DO block: forbidden", async () => {
    for (const sql of [
      `SELECT set_config('search_path', 'airlock', false); DELETE FROM ledger WHERE thread_id = 'x';`,
      `DO $$ BEGIN PERFORM set_config('search_path', 'public, airlock', true); DELETE FROM backups WHERE backup_id < 0; END $$;`,
    ]) {
      const result = await migrate(sql);
      expect(result.code, `${sql}\n${result.stderr}`).toBe(4);
      expect(result.json.rules).toContain('airlock-objects');
    }
  });

  it('triggers, sequences and types of schema airlock: forbidden', async () => {
    for (const sql of [
      'ALTER TABLE airlock.audit DISABLE TRIGGER audit_chain;',
      'DROP FUNCTION airlock.audit_is_append_only() CASCADE;',
      "SELECT setval('airlock.audit_audit_id_seq', 1);",
      'CREATE TABLE public.forged (a airlock.audit);',
      'CREATE TRIGGER forge BEFORE INSERT ON airlock.approvals FOR EACH ROW EXECUTE FUNCTION airlock.audit_chain();',
    ]) {
      const result = await migrate(sql);
      expect(result.code, `${sql}\n${result.stderr}`).toBe(4);
    }
    expect((await state.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'forge'`)).rows[0].n).toBe(0);
    expect((await state.query(`SELECT to_regclass('public.forged') AS t`)).rows[0].t).toBeNull();
  });

  describe('an unqualified name the connection resolves to airlock.* (a target whose search_path puts airlock first)', () => {
    let target: Awaited<ReturnType<typeof createScratchDatabase>>;
    beforeAll(async () => {
      target = await createScratchDatabase('airlock_path');
      const admin = new pg.Client({ connectionString: target.url });
      await admin.connect();
      await admin.query(`CREATE TABLE public.notes (id int); ALTER DATABASE ${new URL(target.url).pathname.slice(1)} SET search_path = airlock, public`);
      await admin.end();
    });
    afterAll(() => target.drop());

    it('UPDATE backups … resolves to airlock.backups, and CREATE TABLE planted would land in airlock: forbidden at migrate (check, without the target, cannot know)', async () => {
      const env = { TARGET_DATABASE_URL: target.url };
      // The target's ledger schema exists once Airlock has connected to it.
      await migrate('SELECT 1;', env);
      const targetClient = new pg.Client({ connectionString: target.url });
      await targetClient.connect();
      try {
        await targetClient.query(`INSERT INTO airlock.backups (idempotency_key, thread_id, source_table, backup_table, row_count) VALUES ('k', 't', 'public.notes', 'airlock_backup.x', 7)`);
        const sql = `UPDATE backups SET row_count = 0 WHERE backup_id > 0;`;
        const check = await runCli(['check', '--env', 'development', '--json'], { input: sql, env: cliEnv(env) });
        expect(check.json.tier).toBe('write');
        const result = await migrate(sql, env);
        expect(result.code, result.stderr).toBe(4);
        expect(result.json.rules).toContain('airlock-objects');
        expect((await targetClient.query(`SELECT row_count::int AS n FROM airlock.backups WHERE idempotency_key = 'k'`)).rows[0].n).toBe(7);
        const created = await migrate(`CREATE TABLE planted (id int);`, env);
        expect(created.code, created.stderr).toBe(4);
        expect((await targetClient.query(`SELECT to_regclass('airlock.planted') AS t`)).rows[0].t).toBeNull();
      } finally {
        await targetClient.end();
      }
    });
  });
});
