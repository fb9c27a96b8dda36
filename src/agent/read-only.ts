import type pg from 'pg';
import { AIRLOCK_SCHEMAS } from '../policy/airlock-schemas.ts';
import { useAirlock } from '../runtime/airlock.ts';
import { ADVISORY_LOCKS } from '../store/advisory-locks.ts';

/**
 * The role read tools switch to when Airlock can create it: SELECT on the
 * application's schemas and nothing else. Not a member of pg_read_all_data
 * (which reads pg_authid's password hashes and every schema, Airlock's too),
 * pg_read_all_stats or pg_monitor (other sessions' query text): what it cannot
 * see, an agent cannot read, whatever SQL got past the checks.
 */
export const READER_ROLE = 'airlock_reader';
export const READ_TIMEOUT = '5s';

// Predefined roles that would let the reader past its grants; an older Airlock granted the first one.
const TOO_BROAD = ['pg_read_all_data', 'pg_write_all_data', 'pg_read_all_stats', 'pg_read_all_settings', 'pg_monitor', 'pg_stat_scan_tables', 'pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend'];
const OWN_SCHEMAS = [...AIRLOCK_SCHEMAS].map((schema) => `'${schema}'`).join(', ');
// One grant sync at a time (GRANTs from two processes at once can fail with "tuple concurrently updated").
const GRANT_LOCK_KEY = ADVISORY_LOCKS.readerGrants;

let readerRole: Promise<boolean> | undefined;

/**
 * Create `airlock_reader` (NOLOGIN, no predefined roles), take it out of any
 * role that reads past its grants, and make the connecting user a member,
 * where Airlock may. False when it may not, or when the role is still too
 * broad (a superuser, BYPASSRLS, or a member of pg_read_all_data): the read-only
 * transaction and the agent-sql checks are then the only guards.
 */
function ensureReaderRole(pool: pg.Pool): Promise<boolean> {
  readerRole ??= (async () => {
    try {
      await pool.query(`DO $$
      DECLARE broad text;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}') THEN
          CREATE ROLE ${READER_ROLE} NOLOGIN;
        END IF;
        FOREACH broad IN ARRAY ARRAY[${TOO_BROAD.map((role) => `'${role}'`).join(', ')}] LOOP
          IF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
                      WHERE g.rolname = broad AND r.rolname = '${READER_ROLE}') THEN
            EXECUTE format('REVOKE %I FROM ${READER_ROLE}', broad);
          END IF;
        END LOOP;
        IF NOT pg_has_role(current_user, '${READER_ROLE}', 'MEMBER') THEN
          EXECUTE format('GRANT ${READER_ROLE} TO %I', current_user);
        END IF;
      EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN NULL;
      END $$`);
    } catch {
      // Not allowed to create roles here: the read-only transaction still holds.
    }
    const { rows } = await pool.query<{ usable: boolean }>(
      `SELECT coalesce((SELECT pg_has_role(current_user, r.oid, 'MEMBER') AND NOT r.rolsuper AND NOT r.rolbypassrls
                              AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS broad(name)
                                               WHERE pg_has_role(r.oid, broad.name, 'MEMBER'))
                         FROM pg_roles r WHERE r.rolname = $1), false) AS usable`,
      [READER_ROLE, TOO_BROAD],
    );
    return Boolean(rows[0]?.usable);
  })();
  return readerRole;
}

/**
 * SELECT on every table of the application's schemas (every schema but pg_*,
 * information_schema and Airlock's own) and on their security_invoker views,
 * granted as tables appear; and no way into Airlock's schemas, even through PUBLIC.
 */
async function syncReaderGrants(client: pg.PoolClient): Promise<void> {
  await client
    .query(`DO $$
      DECLARE target record;
      BEGIN
        PERFORM pg_advisory_xact_lock(${GRANT_LOCK_KEY});
        FOR target IN SELECT n.nspname FROM pg_namespace n
                       WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND n.nspname NOT IN (${OWN_SCHEMAS})
                         AND NOT has_schema_privilege('${READER_ROLE}', n.oid, 'USAGE') LOOP
          BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${READER_ROLE}', target.nspname); EXCEPTION WHEN OTHERS THEN NULL; END;
        END LOOP;
        FOR target IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE (c.relkind IN ('r', 'p', 'f')
                              -- A view reads with its owner's rights (a superuser's view over pg_authid would leak
                              -- it), and a materialized view holds its owner's results: only security_invoker views.
                              OR (c.relkind = 'v' AND coalesce(c.reloptions::text[] && ARRAY['security_invoker=true', 'security_invoker=on'], false)))
                         AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND n.nspname NOT IN (${OWN_SCHEMAS})
                         AND NOT has_table_privilege('${READER_ROLE}', c.oid, 'SELECT') LOOP
          BEGIN EXECUTE format('GRANT SELECT ON %s TO ${READER_ROLE}', target.rel); EXCEPTION WHEN OTHERS THEN NULL; END;
        END LOOP;
        FOR target IN SELECT n.nspname FROM pg_namespace n WHERE n.nspname IN (${OWN_SCHEMAS})
                         AND has_schema_privilege('${READER_ROLE}', n.oid, 'USAGE') LOOP
          BEGIN
            EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC, ${READER_ROLE}', target.nspname);
            EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC, ${READER_ROLE}', target.nspname);
          EXCEPTION WHEN OTHERS THEN NULL;
          END;
        END LOOP;
      END $$`)
    .catch(() => {
      // Grants are a convenience (a table not granted is simply not readable); the role's limits do not depend on them.
    });
}

/**
 * Run `work` on a connection that cannot write, and cannot read past the
 * application's own tables: `READ ONLY` transaction, `airlock_reader` role
 * where available, a statement timeout, always rolled back.
 */
export async function withReadOnly<T>(work: (client: pg.PoolClient, role: string) => Promise<T>): Promise<T> {
  const airlock = await useAirlock();
  const pool = airlock.databases.target;
  const reader = await ensureReaderRole(pool);
  const client = await pool.connect();
  try {
    if (reader) await syncReaderGrants(client);
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true)", [READ_TIMEOUT]);
    if (reader) await client.query(`SET LOCAL ROLE ${READER_ROLE}`);
    return await work(client, reader ? READER_ROLE : 'read-only transaction');
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}
