import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int PRIMARY KEY, note text); INSERT INTO ${db.schema}.t SELECT n, 'x' FROM generate_series(1, 20) n;`);
});
afterEach(() => db.close());

describe('what a new user hits in the first hour', () => {
  it('export of an unknown thread without --json: one line on stderr, nothing on stdout, exit 2', async () => {
    const result = await runCli(['export', 'nope-thread']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^airlock: .*nope-thread/);
  });

  it('a --token on an action that needs none: the right one is noted as not needed, another one is refused and nothing runs', async () => {
    // A filtered UPDATE in production: a write, approved without a token.
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `UPDATE ${db.schema}.t SET note = 'y' WHERE id = 3;` });
    expect(paused.code, paused.stderr).toBe(3);
    const show = await runCli(['show', paused.json.approval_id, '--json']);
    expect(show.json.tier).toBe('write');
    const wrong = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', '20261203-drop-users-abcd', '--json']);
    expect(wrong.code).toBe(2);
    expect(wrong.json.error).toMatch(/needs no confirmation token, and the one given is not this action's/);
    expect((await db.query(`SELECT note FROM ${db.schema}.t WHERE id = 3`)).rows[0].note).toBe('x');

    const token = show.json.confirmation_token as string;
    const right = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token, '--json']);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stderr).toMatch(/needs no confirmation token; the --token given matched it, and was not needed/);
    expect((await db.query(`SELECT note FROM ${db.schema}.t WHERE id = 3`)).rows[0].note).toBe('y');
  });
});
