import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLedgerSchema, migrateStateSchema } from '../../src/store/schema.ts';
import { LEDGER_MIGRATIONS } from '../../src/store/migrations/ledger.ts';
import { STATE_MIGRATIONS } from '../../src/store/migrations/state.ts';
import { createScratchDatabase } from '../helpers/database.ts';

/*
 * The ledger, the backups' register, the environment marker and the backup and
 * trash schemas were made by an idempotent blob that every start ran again;
 * they are numbered migrations now (LEDGER_MIGRATIONS, recorded in
 * airlock.ledger_migrations), applied to every database that holds them.
 * These fixtures are that blob as Airlock shipped it, pasted here on purpose:
 * they must never follow the code.
 */

/** The blob as it last shipped (src/store/schema.ts, LEDGER_SQL, before numbered ledger migrations). */
const LAST_LEDGER_BLOB = `
  CREATE SCHEMA IF NOT EXISTS airlock;
  -- Written in the same transaction as a migration's effect: a hit means "already done".
  CREATE TABLE IF NOT EXISTS airlock.ledger (
    idempotency_key text PRIMARY KEY,
    thread_id       text NOT NULL,
    action_hash     text NOT NULL,
    executed_at     timestamptz NOT NULL DEFAULT now(),
    result          jsonb NOT NULL
  );
  -- Copies of what a destructive migration destroyed, taken in its own transaction.
  CREATE TABLE IF NOT EXISTS airlock.backups (
    backup_id       bigserial PRIMARY KEY,
    idempotency_key text NOT NULL,
    thread_id       text NOT NULL,
    source_table    text NOT NULL,
    backup_table    text NOT NULL,
    row_count       bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS backups_thread_idx ON airlock.backups (thread_id);
  -- What undo needs: which action, what kind of copy, and where it ran.
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS action_id text;
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'copy';
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS environment text;
  CREATE INDEX IF NOT EXISTS backups_action_idx ON airlock.backups (action_id);
  -- A dropped column's name; and the backup's content fingerprint, so undo refuses a copy changed since.
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS source_column text;
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS fingerprint text;
  -- A trashed table's indexes and owned sequences, renamed so that the next table of the
  -- same name can be trashed too: [{ "kind": "index"|"sequence", "original", "trashed" }].
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS renamed jsonb;
  -- The undo that put it back (in the restore's own transaction), for "airlock backups".
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS undone_by text;
  ALTER TABLE airlock.backups ADD COLUMN IF NOT EXISTS undone_at timestamptz;
  -- Rows a cleanup removed, and tables a migration dropped, wait here until undone or pruned.
  CREATE SCHEMA IF NOT EXISTS airlock_backup;
  CREATE SCHEMA IF NOT EXISTS airlock_trash;
  -- Which environment this database is, set by "airlock db mark ENV": one of the
  -- signals the permit step checks, kept beside the data it describes.
  CREATE TABLE IF NOT EXISTS airlock.environment_marker (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    name       text NOT NULL,
    marked_by  text NOT NULL,
    marked_at  timestamptz NOT NULL DEFAULT now()
  );
`;

/** The blob as the first Airlock with backups shipped it (commit 64fae4d): no undo columns, no backup or trash schemas. */
const FIRST_LEDGER_BLOB = `
  CREATE SCHEMA IF NOT EXISTS airlock;
  -- Written in the same transaction as a migration's effect: a hit means "already done".
  CREATE TABLE IF NOT EXISTS airlock.ledger (
    idempotency_key text PRIMARY KEY,
    thread_id       text NOT NULL,
    action_hash     text NOT NULL,
    executed_at     timestamptz NOT NULL DEFAULT now(),
    result          jsonb NOT NULL
  );
  -- Copies of what a destructive migration destroyed, taken in its own transaction.
  CREATE TABLE IF NOT EXISTS airlock.backups (
    backup_id       bigserial PRIMARY KEY,
    idempotency_key text NOT NULL,
    thread_id       text NOT NULL,
    source_table    text NOT NULL,
    backup_table    text NOT NULL,
    row_count       bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS backups_thread_idx ON airlock.backups (thread_id);
  -- Which environment this database is, set by "airlock db mark ENV": one of the
  -- signals the permit step checks, kept beside the data it describes.
  CREATE TABLE IF NOT EXISTS airlock.environment_marker (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    name       text NOT NULL,
    marked_by  text NOT NULL,
    marked_at  timestamptz NOT NULL DEFAULT now()
  );
`;

const LEDGER_TABLES = ['backups', 'environment_marker', 'ledger'];

const scratches: Awaited<ReturnType<typeof createScratchDatabase>>[] = [];
const pools: pg.Pool[] = [];

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await Promise.all(scratches.map((scratch) => scratch.drop()));
});

/** A database of the test's own, empty. */
async function emptyDatabase(): Promise<pg.Pool> {
  const scratch = await createScratchDatabase('airlock_ledger_migrations');
  scratches.push(scratch);
  const pool = new pg.Pool({ connectionString: scratch.url, max: 3 });
  // DROP DATABASE … WITH (FORCE) at the end ends any connection still open; that is expected.
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}

/** The shape of the ledger's objects: their columns in order, indexes, constraints, and Airlock's schemas. */
async function ledgerShape(db: pg.Pool) {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = 'airlock' AND table_name = ANY($1) ORDER BY table_name, ordinal_position`,
    [LEDGER_TABLES],
  );
  const indexes = await db.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'airlock' AND tablename = ANY($1) ORDER BY indexname`,
    [LEDGER_TABLES],
  );
  const constraints = await db.query(
    `SELECT conrelid::regclass::text AS table, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE connamespace = 'airlock'::regnamespace AND conrelid::regclass::text = ANY($1) ORDER BY 1, 2`,
    [LEDGER_TABLES.map((table) => `airlock.${table}`)],
  );
  const schemas = await db.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'airlock%' ORDER BY 1");
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows, schemas: schemas.rows.map((row) => row.nspname) };
}

/** Which migrations of a list the database records, and when each ran. */
async function recorded(db: pg.Pool, table: 'ledger_migrations' | 'schema_migrations') {
  return (await db.query(`SELECT version, name, applied_at FROM airlock.${table} ORDER BY version`)).rows;
}

function versionsOf(list: typeof LEDGER_MIGRATIONS) {
  return list.migrations.map((migration) => ({ version: migration.version, name: migration.name }));
}

/** Every row of the ledger's tables, and of a table kept in airlock_backup when there is one. */
async function ledgerRows(db: pg.Pool) {
  const rows: Record<string, unknown[]> = {};
  for (const table of [...LEDGER_TABLES.map((name) => `airlock.${name}`), 'airlock_backup.kept_rows']) {
    const exists = await db.query('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
    if (exists.rows[0].found) rows[table] = (await db.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY 1`)).rows.map((row) => row.row);
  }
  return rows;
}

/** What an action left in a database under the old blob: a claimed ledger row, a backup, a marker. */
async function writeOldRows(db: pg.Pool): Promise<void> {
  await db.query(`INSERT INTO airlock.ledger (idempotency_key, thread_id, action_hash, result)
                  VALUES ('key-1', 'thread-1', 'hash-1', '{"state": "committed", "statements": 1}')`);
  await db.query(`INSERT INTO airlock.backups (idempotency_key, thread_id, source_table, backup_table, row_count)
                  VALUES ('key-1', 'thread-1', 'public.users', 'airlock.act_1_copy_1', 3)`);
  await db.query("INSERT INTO airlock.environment_marker (name, marked_by) VALUES ('production', 'alice')");
  const schemas = await db.query("SELECT 1 FROM pg_namespace WHERE nspname = 'airlock_backup'");
  if (schemas.rowCount) await db.query('CREATE TABLE airlock_backup.kept_rows AS SELECT n AS id FROM generate_series(1, 3) n');
}

describe('the ledger migrations', () => {
  it('a fresh target database gets every ledger migration once, even when several processes start at once, and a second run changes nothing', async () => {
    const db = await emptyDatabase();
    await Promise.all([ensureLedgerSchema(db), ensureLedgerSchema(db), ensureLedgerSchema(db)]);
    const applied = await recorded(db, 'ledger_migrations');
    expect(applied.map(({ version, name }) => ({ version, name }))).toEqual(versionsOf(LEDGER_MIGRATIONS));
    const shape = await ledgerShape(db);
    expect(shape.schemas).toEqual(['airlock', 'airlock_backup', 'airlock_trash']);
    expect(shape.columns.filter((column) => column.table_name === 'backups').map((column) => column.column_name)).toEqual([
      'backup_id', 'idempotency_key', 'thread_id', 'source_table', 'backup_table', 'row_count', 'created_at',
      'action_id', 'kind', 'environment', 'source_column', 'fingerprint', 'renamed', 'undone_by', 'undone_at',
    ]);
    // The state list is not the target's: it has no approvals, audit or schema_migrations.
    expect((await db.query("SELECT to_regclass('airlock.schema_migrations') AS found")).rows).toEqual([{ found: null }]);

    await ensureLedgerSchema(db);
    expect(await recorded(db, 'ledger_migrations')).toEqual(applied);
    expect(await ledgerShape(db)).toEqual(shape);
  });

  it('a fresh state database gets every migration of both lists once, and a second run changes nothing', async () => {
    const db = await emptyDatabase();
    await migrateStateSchema(db);
    const state = await recorded(db, 'schema_migrations');
    const ledger = await recorded(db, 'ledger_migrations');
    expect(state.map(({ version, name }) => ({ version, name }))).toEqual(versionsOf(STATE_MIGRATIONS));
    expect(ledger.map(({ version, name }) => ({ version, name }))).toEqual(versionsOf(LEDGER_MIGRATIONS));
    const shape = await ledgerShape(db);

    await migrateStateSchema(db);
    expect(await recorded(db, 'schema_migrations')).toEqual(state);
    expect(await recorded(db, 'ledger_migrations')).toEqual(ledger);
    expect(await ledgerShape(db)).toEqual(shape);
  });

  it.each([
    ['as it last shipped', LAST_LEDGER_BLOB],
    ['as the first Airlock with backups shipped it', FIRST_LEDGER_BLOB],
  ])('a target database on which the old blob ran (%s) upgrades to the fresh shape, keeps its rows, and a second run changes nothing', async (_, blob) => {
    const fresh = await emptyDatabase();
    await ensureLedgerSchema(fresh);
    const freshShape = await ledgerShape(fresh);

    const db = await emptyDatabase();
    await db.query(blob);
    await writeOldRows(db);
    const before = await ledgerRows(db);

    await ensureLedgerSchema(db);
    const applied = await recorded(db, 'ledger_migrations');
    expect(applied.map(({ version, name }) => ({ version, name }))).toEqual(versionsOf(LEDGER_MIGRATIONS));
    expect(await ledgerShape(db)).toEqual(freshShape);
    const after = await ledgerRows(db);
    // Every row is still there with what it held; columns the old blob did not have take their defaults.
    expect(after).toMatchObject(before);
    expect(after['airlock.backups']).toEqual([expect.objectContaining({ kind: 'copy', undone_by: null, renamed: null })]);

    await ensureLedgerSchema(db);
    expect(await recorded(db, 'ledger_migrations')).toEqual(applied);
    expect(await ledgerShape(db)).toEqual(freshShape);
    expect(await ledgerRows(db)).toEqual(after);
  });

  it('a state database the previous version left (its numbered migrations, then the old blob) upgrades and keeps its rows', async () => {
    const db = await emptyDatabase();
    // What the previous version's migrateStateSchema did: the state list, recorded, then the blob.
    await db.query(`CREATE SCHEMA airlock;
      CREATE TABLE airlock.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const migration of STATE_MIGRATIONS.migrations) {
      await db.query(migration.sql);
      await db.query('INSERT INTO airlock.schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    await db.query(LAST_LEDGER_BLOB);
    await writeOldRows(db);
    await db.query(`INSERT INTO airlock.approvals (approval_id, thread_id, status, environment, tier, summary, sql, action, action_hash,
                      confirmation_token, token_required, requested_by)
                    VALUES ('apr-1', 'thread-1', 'pending', 'production', 'destructive', 's', 'DROP TABLE t', '{}', 'h', 'tok', true, 'dev')`);
    const stateBefore = await recorded(db, 'schema_migrations');
    const before = await ledgerRows(db);

    await migrateStateSchema(db);
    await migrateStateSchema(db);
    expect(await recorded(db, 'schema_migrations')).toEqual(stateBefore);
    expect((await recorded(db, 'ledger_migrations')).map(({ version, name }) => ({ version, name }))).toEqual(versionsOf(LEDGER_MIGRATIONS));
    expect(await ledgerRows(db)).toEqual(before);
    expect((await db.query('SELECT approval_id, status FROM airlock.approvals')).rows).toEqual([{ approval_id: 'apr-1', status: 'pending' }]);
  });
});
