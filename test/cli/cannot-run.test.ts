import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, allPending } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int PRIMARY KEY, note text); INSERT INTO ${db.schema}.t SELECT n, 'x' FROM generate_series(1, 10) n;`);
});
afterEach(() => db.close());

async function migrate(sql: string, environment = 'production') {
  return runCli(['migrate', '-', '--env', environment, '--as', 'dev', '--json'], { input: sql });
}

async function auditOf(threadId: string): Promise<{ step: string; outcome: string; message: string }[]> {
  return (await runCli(['audit', '--thread', threadId, '--json'])).json.entries;
}

describe('what cannot run against the target as it is now is refused before anyone is asked', () => {
  it.each([
    ['DROP TABLE of a table that is not there', (s: string) => `DROP TABLE ${s}.nosuch;`, /relation "t_\w+\.nosuch" does not exist/],
    ['DELETE from a table that is not there', (s: string) => `DELETE FROM ${s}.nosuch WHERE id = 1;`, /relation "t_\w+\.nosuch" does not exist/],
    ['UPDATE of a column that is not there', (s: string) => `UPDATE ${s}.t SET nosuch = 1 WHERE id = 1;`, /column "nosuch" of relation "t" does not exist/],
    ['a type error', (s: string) => `UPDATE ${s}.t SET id = 'not a number' WHERE id = 1;`, /invalid input syntax for type integer/],
    ['TRUNCATE of a table that is not there, after a good statement', (s: string) => `UPDATE ${s}.t SET note = 'y' WHERE id = 1;\nTRUNCATE ${s}.gone;`, /relation "t_\w+\.gone" does not exist/],
  ])('%s: exit 4 with Postgres’s message, no approval, nothing changed, audited', async (_name, sql, message) => {
    const result = await migrate(sql(db.schema));
    expect(result.code, result.stderr).toBe(4);
    expect(result.json.status).toBe('blocked');
    expect(result.json.approval_id).toBeUndefined();
    expect(result.json.reason).toMatch(message);
    expect(result.json.reason).toMatch(/cannot run against production as it is now: .*Nothing was run and nobody was asked/);
    const inbox = await allPending();
    expect(inbox.filter((a: { thread_id: string }) => a.thread_id === result.json.thread_id)).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${db.schema}.t WHERE note = 'x'`)).rows[0].n).toBe(10);
    const audit = await auditOf(result.json.thread_id);
    expect(audit.find((entry) => entry.step === 'dry-run')).toMatchObject({ outcome: 'blocked', message: expect.stringMatching(message) });
  });

  it('what the text itself creates, or drops IF EXISTS, is not refused; a dry-run with nothing to count says so in its audit row', async () => {
    // IF EXISTS says the table may be gone: it is not refused, and waits for its approval like any DROP.
    const ifExists = await migrate(`DROP TABLE IF EXISTS ${db.schema}.nosuch;`);
    expect(ifExists.code, ifExists.stderr).toBe(3);
    await runCli(['reject', ifExists.json.approval_id, '--as', 'alice', '--reason', 'test over', '--json']);
    const own = await migrate(
      `CREATE TABLE ${db.schema}.scratch (id int PRIMARY KEY); INSERT INTO ${db.schema}.scratch VALUES (1); DELETE FROM ${db.schema}.scratch WHERE id = 1;`,
      'development',
    );
    expect(own.code, own.stderr).toBe(0);
    const dryRun = (await auditOf(own.json.thread_id)).find((entry) => entry.step === 'dry-run');
    expect(dryRun?.message).toMatch(/^Dry-run in development .*\(rolled back\): no rows measured, in \d+ ms\. Not measured: statement 3/);
  });
});
