import type pg from 'pg';
import { useAirlock } from './airlock.ts';

/** The role read tools switch to when Airlock can create it: it can read every table and write none. */
export const READER_ROLE = 'airlock_reader';
export const READ_TIMEOUT = '5s';

let readerRole: Promise<boolean> | undefined;

/**
 * Create `airlock_reader` (member of `pg_read_all_data`, no write grants) and
 * make the connecting user a member, where Airlock may. False when it may not:
 * the read-only transaction is then the only guard.
 */
function ensureReaderRole(pool: pg.Pool): Promise<boolean> {
  readerRole ??= (async () => {
    try {
      await pool.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}') THEN
          CREATE ROLE ${READER_ROLE} NOLOGIN;
          GRANT pg_read_all_data TO ${READER_ROLE};
        END IF;
        IF NOT pg_has_role(current_user, '${READER_ROLE}', 'MEMBER') THEN
          EXECUTE format('GRANT ${READER_ROLE} TO %I', current_user);
        END IF;
      EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN NULL;
      END $$`);
    } catch {
      // Not allowed to create roles here: the read-only transaction still holds.
    }
    const { rows } = await pool.query<{ member: boolean }>(
      `SELECT coalesce((SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = $1), false) AS member`,
      [READER_ROLE],
    );
    return Boolean(rows[0]?.member);
  })();
  return readerRole;
}

/**
 * Run `work` on a connection that cannot write: `READ ONLY` transaction,
 * `airlock_reader` role where available, a statement timeout, always rolled back.
 */
export async function withReadOnly<T>(work: (client: pg.PoolClient, role: string) => Promise<T>): Promise<T> {
  const airlock = await useAirlock();
  const pool = airlock.databases.target;
  const reader = await ensureReaderRole(pool);
  const client = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true)", [READ_TIMEOUT]);
    if (reader) await client.query(`SET LOCAL ROLE ${READER_ROLE}`);
    return await work(client, reader ? READER_ROLE : 'read-only transaction');
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}
