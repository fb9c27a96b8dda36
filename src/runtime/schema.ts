import type pg from 'pg';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';

export const AIRLOCK_SCHEMA = 'airlock';

// One key for "someone is migrating Airlock's schema": two processes starting
// at once on a fresh database must not both run CREATE TABLE.
const SCHEMA_LOCK_KEY = 7_411_562_301;

/** Append-only migrations of Airlock's own tables. Never edit one that shipped: add the next. */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'approvals, audit, ledger',
    sql: `
      CREATE TABLE airlock.approvals (
        approval_id        text PRIMARY KEY,
        thread_id          text NOT NULL,
        status             text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        environment        text NOT NULL,
        tier               text NOT NULL,
        summary            text NOT NULL,
        sql                text NOT NULL,
        action             jsonb NOT NULL,
        action_hash        text NOT NULL,
        confirmation_token text NOT NULL,
        token_required     boolean NOT NULL,
        requested_by       text NOT NULL,
        requested_at       timestamptz NOT NULL DEFAULT now(),
        decided_by         text,
        decided_at         timestamptz,
        reason             text,
        outcome            text
      );
      -- inbox: pending approvals, oldest first, one index scan.
      CREATE INDEX approvals_pending_idx ON airlock.approvals (requested_at) WHERE status = 'pending';
      CREATE INDEX approvals_thread_idx ON airlock.approvals (thread_id);

      CREATE TABLE airlock.audit (
        audit_id    bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        thread_id   text,
        approval_id text,
        step        text NOT NULL,
        actor       text NOT NULL,
        environment text,
        outcome     text NOT NULL,
        message     text NOT NULL,
        detail      jsonb NOT NULL DEFAULT '{}',
        -- Nodes re-run on resume; a step records itself once per event key.
        event_key   text UNIQUE
      );
      CREATE INDEX audit_thread_idx ON airlock.audit (thread_id, audit_id);

      CREATE FUNCTION airlock.audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'airlock.audit is append-only: % is not allowed', TG_OP;
      END
      $$;
      CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON airlock.audit
        FOR EACH ROW EXECUTE FUNCTION airlock.audit_is_append_only();
      CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON airlock.audit
        FOR EACH STATEMENT EXECUTE FUNCTION airlock.audit_is_append_only();
    `,
  },
];

const LEDGER_SQL = `
  CREATE SCHEMA IF NOT EXISTS airlock;
  -- Written in the same transaction as a migration's effect: a hit means "already done".
  CREATE TABLE IF NOT EXISTS airlock.ledger (
    idempotency_key text PRIMARY KEY,
    thread_id       text NOT NULL,
    action_hash     text NOT NULL,
    executed_at     timestamptz NOT NULL DEFAULT now(),
    result          jsonb NOT NULL
  );
  -- Which environment this database is, set by "airlock db mark ENV": one of the
  -- signals the permit step checks, kept beside the data it describes.
  CREATE TABLE IF NOT EXISTS airlock.environment_marker (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    name       text NOT NULL,
    marked_by  text NOT NULL,
    marked_at  timestamptz NOT NULL DEFAULT now()
  );
`;

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

/** Create or upgrade schema `airlock` in the state database, including the checkpointer's tables. */
export async function migrateStateSchema(pool: pg.Pool): Promise<void> {
  await withSchemaLock(pool, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS airlock;
      CREATE TABLE IF NOT EXISTS airlock.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await client.query<{ version: number }>('SELECT version FROM airlock.schema_migrations');
    const done = new Set(applied.rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO airlock.schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    await client.query(LEDGER_SQL);
    // PostgresSaver.setup() takes no lock of its own; it runs under ours.
    await new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA }).setup();
  });
}

/** The ledger lives beside the effect: in the target database when that is a separate one. */
export async function ensureLedgerSchema(pool: pg.Pool): Promise<void> {
  await withSchemaLock(pool, (client) => client.query(LEDGER_SQL));
}
