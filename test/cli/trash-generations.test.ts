import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
});
afterEach(() => db.close());

/** A table with what travels with it into the trash: a primary key, a unique index, an owned sequence. */
function createTable(generation: number): string {
  return `CREATE TABLE ${db.schema}.t (id serial PRIMARY KEY, email text, generation int NOT NULL DEFAULT ${generation});
    CREATE UNIQUE INDEX t_email_key ON ${db.schema}.t (email);
    INSERT INTO ${db.schema}.t (email) SELECT 'g${generation}-' || n FROM generate_series(1, ${generation * 10}) n;`;
}

/** Run `sql` in production and approve it as alice: the approved outcome. */
async function approved(args: string[], input?: string) {
  const paused = await runCli([...args, '--as', 'dev', '--json'], input === undefined ? {} : { input });
  expect(paused.code, paused.stderr).toBe(3);
  const token = (await runCli(['show', paused.json.approval_id, '--json'])).json.confirmation_token;
  const done = await runCli(['approve', paused.json.approval_id, '--as', 'alice', ...(token ? ['--token', token] : []), '--json']);
  expect(done.code, done.stderr).toBe(0);
  return done.json;
}

const dropT = () => approved(['migrate', '-', '--env', 'production'], `DROP TABLE ${db.schema}.t;`);

async function namesOfT(): Promise<{ indexes: string[]; sequence: string | null; generation: number[]; rows: number }> {
  const indexes = await db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 't' ORDER BY 1`, [db.schema]);
  const sequence = await db.query(`SELECT pg_get_serial_sequence($1, 'id') AS name`, [`${db.schema}.t`]);
  const generation = await db.query(`SELECT DISTINCT generation FROM ${db.schema}.t ORDER BY 1`);
  return {
    indexes: indexes.rows.map((row) => row.indexname),
    sequence: sequence.rows[0].name,
    generation: generation.rows.map((row) => row.generation),
    rows: await db.count('t'),
  };
}

describe('the trash holds every generation of a table name', () => {
  it('drop → recreate → drop → undo → drop → undo: each generation comes back with its indexes and sequence under their own names', async () => {
    await db.query(createTable(1));
    const first = await dropT();
    await db.query(createTable(2));
    // Today this second drop failed after approval: "relation t_pkey already exists in schema airlock_trash".
    const second = await dropT();
    expect(second.status).toBe('completed');
    expect(await db.tableExists('t')).toBe(false);

    // Generation 1's name is free only while no table t is there: its undo says so, before anyone is asked.
    await db.query(createTable(3));
    const blocked = await runCli(['undo', first.action_id, '--as', 'dev', '--json']);
    expect(blocked.code).toBe(4);
    expect(blocked.json.error).toMatch(new RegExp(`cannot be undone yet: ${db.schema}\\.t, ${db.schema}\\.t_email_key, ${db.schema}\\.t_id_seq, ${db.schema}\\.t_pkey exists again`));
    await db.query(`DROP TABLE ${db.schema}.t`);

    await approved(['undo', second.action_id]);
    const expected = (generation: number) => ({
      indexes: ['t_email_key', 't_pkey'],
      sequence: `${db.schema}.t_id_seq`,
      generation: [generation],
      rows: generation * 10,
    });
    expect(await namesOfT()).toEqual(expected(2));

    await dropT();
    await approved(['undo', first.action_id]);
    expect(await namesOfT()).toEqual(expected(1));
    // The restored sequence still serves its table.
    await db.query(`INSERT INTO ${db.schema}.t (email) VALUES ('new')`);
    expect(await db.count('t')).toBe(11);
  }, 300_000); // a dozen CLI processes, each a second or two on a busy machine
});
