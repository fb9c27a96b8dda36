import type { Migration, MigrationList } from './migration.ts';

/**
 * The objects that live beside the data an action changes: the ledger (an
 * action runs at most once), the backups' register, the schemas that hold
 * what undo restores (airlock_backup, airlock_trash) and the environment
 * marker. They are in the target database, and in the state database too:
 * so this list is applied to every database that holds them (the state
 * database always, the target when it is a separate one), and each records
 * its own progress in airlock.ledger_migrations.
 *
 * Append-only: never edit one that shipped, add the next.
 */
const migrations: Migration[] = [
  {
    version: 1,
    // The idempotent blob every Airlock before numbered ledger migrations ran
    // on each start, as it last shipped: IF NOT EXISTS throughout, because it
    // meets databases on which any earlier version of that blob ran (some
    // without the later columns) and brings each to the same shape.
    name: 'ledger, backups, environment marker, backup and trash schemas',
    sql: `
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
`,
  },
];

/** Applied to each database that holds the ledger; recorded in airlock.ledger_migrations. */
export const LEDGER_MIGRATIONS: MigrationList = { name: 'ledger', versionTable: 'ledger_migrations', migrations };
