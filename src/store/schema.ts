import { createRequire } from 'node:module';
import type pg from 'pg';
import { ADVISORY_LOCKS } from './advisory-locks.ts';
import type { MigrationList } from './migrations/migration.ts';
import { LEDGER_MIGRATIONS } from './migrations/ledger.ts';
import { STATE_MIGRATIONS } from './migrations/state.ts';

export const AIRLOCK_SCHEMA = 'airlock';

/*
 * Airlock's schema changes one way: numbered migrations, in two lists.
 *   STATE_MIGRATIONS   approvals, audit, API threads: the state database only;
 *                      recorded in airlock.schema_migrations.
 *   LEDGER_MIGRATIONS  ledger, backups, environment marker, airlock_backup and
 *                      airlock_trash: every database that holds the ledger (the
 *                      state database, and the target when it is another one);
 *                      recorded in airlock.ledger_migrations.
 * Each list has its own version table rather than sharing one with a column
 * naming the list: the target database never had airlock.schema_migrations,
 * and databases in the field key that table by version alone, so sharing it
 * would mean migrating the version table itself, which nothing could record.
 */

// One key for "someone is migrating Airlock's schema": two processes starting
// at once on a fresh database must not both run CREATE TABLE.
const SCHEMA_LOCK_KEY = ADVISORY_LOCKS.schema;

async function withSchemaLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** Apply the migrations of one list this database does not have yet, each in its own transaction with its version row. */
async function applyMigrations(client: pg.PoolClient, list: MigrationList): Promise<void> {
  const versions = `${AIRLOCK_SCHEMA}.${list.versionTable}`;
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${AIRLOCK_SCHEMA};
    CREATE TABLE IF NOT EXISTS ${versions} (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = await client.query<{ version: number }>(`SELECT version FROM ${versions}`);
  const done = new Set(applied.rows.map((row) => row.version));
  for (const migration of list.migrations) {
    if (done.has(migration.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${versions} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
}

/** The checkpointer package this build runs: its tables are set up once per version. */
export const CHECKPOINTER_VERSION = (createRequire(import.meta.url)('@langchain/langgraph-checkpoint-postgres/package.json') as { version: string }).version;

/**
 * One SELECT, no lock, no DDL: does this database have every migration of
 * these lists (and, for the state database, the checkpointer's tables as this
 * build's package sets them up)? Anything missing, or a table that is not
 * there yet, is "no": the caller then migrates under the lock.
 */
async function isCurrent(pool: pg.Pool, lists: readonly MigrationList[], checkpointer: boolean): Promise<boolean> {
  // Every version of each list recorded (not merely as many rows as the list
  // has: a database with another build's migration but not one of ours is behind).
  const params: unknown[] = [];
  const checks = lists.map((list) => {
    params.push(list.migrations.map((migration) => migration.version));
    return `(SELECT count(*) FROM ${AIRLOCK_SCHEMA}.${list.versionTable} WHERE version = ANY($${params.length}::int[])) = ${list.migrations.length}`;
  });
  if (checkpointer) {
    params.push(CHECKPOINTER_VERSION);
    checks.push(`EXISTS (SELECT 1 FROM ${AIRLOCK_SCHEMA}.checkpointer_setup WHERE package_version = $${params.length})`);
  }
  try {
    const { rows } = await pool.query<{ current: boolean }>(`SELECT ${checks.join(' AND ')} AS current`, params);
    return rows[0]?.current === true;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return false; // a table or the schema is not there yet
    throw error;
  }
}

/**
 * Create or upgrade schema `airlock` in the state database: both lists, and
 * the checkpointer's tables. A database that is current costs one SELECT;
 * only one that is behind is migrated, under the advisory lock.
 */
export async function migrateStateSchema(pool: pg.Pool): Promise<void> {
  if (await isCurrent(pool, [STATE_MIGRATIONS, LEDGER_MIGRATIONS], true)) return;
  await withSchemaLock(pool, async (client) => {
    await applyMigrations(client, STATE_MIGRATIONS);
    await applyMigrations(client, LEDGER_MIGRATIONS);
    // PostgresSaver.setup() takes no lock of its own; it runs under ours. Loaded
    // here only: a start on a current schema does not need the checkpointer's code.
    const { PostgresSaver } = await import('@langchain/langgraph-checkpoint-postgres');
    await new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA }).setup();
    await client.query(`INSERT INTO ${AIRLOCK_SCHEMA}.checkpointer_setup (package_version) VALUES ($1) ON CONFLICT DO NOTHING`, [CHECKPOINTER_VERSION]);
  });
}

/** The ledger lives beside the effect: in the target database when that is a separate one. */
export async function ensureLedgerSchema(pool: pg.Pool): Promise<void> {
  if (await isCurrent(pool, [LEDGER_MIGRATIONS], false)) return;
  await withSchemaLock(pool, (client) => applyMigrations(client, LEDGER_MIGRATIONS));
}
