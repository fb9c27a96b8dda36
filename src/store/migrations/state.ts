import { ADVISORY_LOCKS } from '../advisory-locks.ts';
import type { Migration, MigrationList } from './migration.ts';

/**
 * The state database's list: approvals, the audit trail, the LangGraph API's
 * threads. Append-only: never edit one that shipped, add the next. (Version
 * 1's name says "ledger" for history's sake: the ledger was never created by
 * it, it has a list of its own, ledger.ts.)
 */
const migrations: Migration[] = [
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
  {
    version: 2,
    name: 'hash-chained audit trail',
    sql: `
      ALTER TABLE airlock.audit ADD COLUMN prev_hash text, ADD COLUMN row_hash text;

      -- The hash of a row: its content and the previous row's hash, as canonical jsonb text.
      CREATE FUNCTION airlock.audit_row_hash(a airlock.audit) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(jsonb_build_array(
          a.audit_id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), a.thread_id, a.approval_id,
          a.step, a.actor, a.environment, a.outcome, a.message, a.detail, a.event_key, a.prev_hash
        )::text, 'UTF8')), 'hex')
      $$;

      -- Rows are chained in id order: under one lock, each new row takes the next id,
      -- the time, and the hash of the row before it.
      CREATE FUNCTION airlock.audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${ADVISORY_LOCKS.auditChain});
        NEW.audit_id := nextval(pg_get_serial_sequence('airlock.audit', 'audit_id'));
        NEW.at := clock_timestamp();
        SELECT row_hash INTO NEW.prev_hash FROM airlock.audit ORDER BY audit_id DESC LIMIT 1;
        NEW.prev_hash := coalesce(NEW.prev_hash, 'genesis');
        NEW.row_hash := airlock.audit_row_hash(NEW);
        RETURN NEW;
      END
      $$;

      -- Chain the rows written before this migration.
      ALTER TABLE airlock.audit DISABLE TRIGGER audit_no_update_or_delete;
      DO $$
      DECLARE
        r airlock.audit;
        previous text := 'genesis';
      BEGIN
        FOR r IN SELECT * FROM airlock.audit ORDER BY audit_id LOOP
          r.prev_hash := previous;
          r.row_hash := airlock.audit_row_hash(r);
          UPDATE airlock.audit SET prev_hash = r.prev_hash, row_hash = r.row_hash WHERE audit_id = r.audit_id;
          previous := r.row_hash;
        END LOOP;
      END
      $$;
      ALTER TABLE airlock.audit ENABLE TRIGGER audit_no_update_or_delete;

      CREATE TRIGGER audit_chain BEFORE INSERT ON airlock.audit FOR EACH ROW EXECUTE FUNCTION airlock.audit_chain();
      -- The trigger hands out ids in chain order; a column default would only waste one each time.
      ALTER TABLE airlock.audit ALTER COLUMN audit_id DROP DEFAULT;
    `,
  },
  {
    version: 3,
    name: 'threads of the LangGraph API (airlock serve)',
    sql: `
      -- The LangGraph API's thread records (id and metadata, such as which graph
      -- runs on it); the threads' state itself is in the checkpoint tables.
      CREATE TABLE airlock.api_threads (
        thread_id  text PRIMARY KEY,
        metadata   jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- threads.search filters on metadata containment (@>).
      CREATE INDEX api_threads_metadata_idx ON airlock.api_threads USING gin (metadata jsonb_path_ops);
    `,
  },
  {
    version: 4,
    name: 'approvals: an edit is status edited',
    sql: `
      -- An edit was stored as 'rejected' with a reason starting 'edited by', and read
      -- back by its words; it is a status of its own now. (The constraint is version 1's
      -- inline CHECK, under the name Postgres gave it.)
      ALTER TABLE airlock.approvals DROP CONSTRAINT approvals_status_check;
      ALTER TABLE airlock.approvals ADD CONSTRAINT approvals_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'edited'));
      -- Rows written before: the reason, in the exact words every edit wrote, is the only
      -- record of one (the last time it is read; a reviewer's own reason never had them).
      UPDATE airlock.approvals SET status = 'edited'
       WHERE status = 'rejected' AND reason LIKE 'edited by %: replaced by the edited SQL, which is checked again';
    `,
  },
  {
    version: 5,
    name: "the checkpointer's set-up, by package version",
    sql: `
      -- Which @langchain/langgraph-checkpoint-postgres set its tables up here: a start that
      -- finds its own version (and every numbered migration) runs no DDL and takes no lock.
      CREATE TABLE airlock.checkpointer_setup (
        package_version text PRIMARY KEY,
        set_up_at       timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  // Version 6 is another change's (issue 17's audit batching), on its own branch; the runner
  // applies each version it has not recorded, in list order, and needs no unbroken run of numbers.
  {
    version: 7,
    name: 'inbox: an index in its order, pending oldest first, the id breaking ties',
    sql: `
      -- The inbox pages by keyset on (requested_at, approval_id): with both columns in the
      -- index, a page is one range scan that stops at its LIMIT. Version 1's index had
      -- requested_at only, so equal times (a batch of requests, a clock given as input)
      -- were sorted after the scan, and the whole inbox was read and sorted to show it.
      CREATE INDEX approvals_inbox_idx ON airlock.approvals (requested_at, approval_id) WHERE status = 'pending';
      -- This one's leading column serves every query the old one served.
      DROP INDEX airlock.approvals_pending_idx;
    `,
  },
];

/** Applied to the state database; recorded in airlock.schema_migrations. */
export const STATE_MIGRATIONS: MigrationList = { name: 'state', versionTable: 'schema_migrations', migrations };
