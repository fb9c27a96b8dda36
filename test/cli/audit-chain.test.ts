import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';

// A state database of this file's own: the test tampers with its audit trail.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let state: pg.Client;
const env = () => cliEnv({ DATABASE_URL: scratch.url, TARGET_DATABASE_URL: undefined });

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_audit');
  state = new pg.Client({ connectionString: scratch.url });
  state.on('error', () => {});
  await state.connect();
});
afterAll(async () => {
  await state?.end();
  await scratch?.drop();
});

/** What someone with superuser rights could do by hand: bypass the append-only triggers. */
async function byHand(sql: string, values: unknown[]) {
  await state.query('BEGIN');
  await state.query('SET LOCAL session_replication_role = replica');
  await state.query(sql, values);
  await state.query('COMMIT');
}

describe('the hash-chained audit trail', () => {
  it('verifies a normal history, and reports the exact row after a change or a deletion by hand', async () => {
    await runCli(['migrate', '-', '--env', 'development', '--as', 'dev'], { input: 'CREATE TABLE t (id int);', env: env() });
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: 'DROP TABLE t;', env: env() });
    const token = (await runCli(['show', paused.json.approval_id, '--json'], { env: env() })).json.confirmation_token;
    await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token], { env: env() });

    const intact = await runCli(['audit', '--verify', '--json'], { env: env() });
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.json.ok).toBe(true);
    expect(intact.json.rows_checked).toBeGreaterThanOrEqual(10);

    const exported = await runCli(['audit', '--json'], { env: env() });
    const entries = exported.json.entries as { audit_id: string; message: string; prev_hash: string; row_hash: string }[];
    expect(entries.length).toBe(intact.json.rows_checked);
    entries.forEach((entry, i) => expect(entry.prev_hash).toBe(i === 0 ? 'genesis' : entries[i - 1]!.row_hash));

    // Change one row's message by hand.
    const victim = entries[4]!;
    await byHand('UPDATE airlock.audit SET message = $2 WHERE audit_id = $1', [victim.audit_id, 'nothing to see here']);
    const changed = await runCli(['audit', '--verify', '--json'], { env: env() });
    expect(changed.code).toBe(1);
    expect(changed.json.first_broken).toMatchObject({ audit_id: victim.audit_id, problem: expect.stringMatching(/changed after it was written/) });

    // Put it back as it was: the chain holds again.
    await byHand('UPDATE airlock.audit SET message = $2 WHERE audit_id = $1', [victim.audit_id, victim.message]);
    expect((await runCli(['audit', '--verify', '--json'], { env: env() })).json.ok).toBe(true);

    // Delete one row by hand: the row after it is reported.
    const deleted = entries[6]!;
    await byHand('DELETE FROM airlock.audit WHERE audit_id = $1', [deleted.audit_id]);
    const gap = await runCli(['audit', '--verify', '--json'], { env: env() });
    expect(gap.code).toBe(1);
    expect(gap.json.first_broken).toMatchObject({ audit_id: entries[7]!.audit_id, problem: expect.stringMatching(/after row .* was deleted/) });
  });

  it('refuses ordinary updates and deletes outright', async () => {
    await expect(state.query("UPDATE airlock.audit SET message = 'x'")).rejects.toThrow(/append-only/);
    await expect(state.query('DELETE FROM airlock.audit')).rejects.toThrow(/append-only/);
  });
});
