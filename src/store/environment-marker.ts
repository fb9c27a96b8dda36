import type pg from 'pg';

/**
 * Every query against airlock.environment_marker: which environment a
 * database is, as `airlock db mark ENV` recorded it in that database.
 */

type Queryable = Pick<pg.Pool, 'query'>;

// The two ways a target says which environment it is: `airlock db mark`'s marker, and the airlock.environment setting.
const MARKS = `(SELECT name FROM airlock.environment_marker) AS marker, nullif(current_setting('airlock.environment', true), '') AS setting`;

/**
 * What the database says it is: the marker, and (read in the same query) the
 * `airlock.environment` setting, a custom GUC an operator may set instead.
 */
export async function environmentMarks(db: Queryable): Promise<{ marker: string | null; setting: string | null }> {
  const { rows } = await db.query<{ marker: string | null; setting: string | null }>(
    `SELECT ${MARKS}`,
  );
  return { marker: rows[0]?.marker ?? null, setting: rows[0]?.setting ?? null };
}

/**
 * What execution reads of the target session in one round trip: its
 * search_path and user (how names resolve) and its environment marks
 * (which environment it says it is).
 */
export async function targetFacts(db: Queryable): Promise<{ session: { path: string[]; user: string }; marks: { marker: string | null; setting: string | null } }> {
  const { rows } = await db.query<{ path: string[]; user: string; marker: string | null; setting: string | null }>(
    `SELECT current_schemas(true)::text[] AS path, current_user::text AS user, ${MARKS}`,
  );
  const row = rows[0]!;
  return { session: { path: row.path, user: row.user }, marks: { marker: row.marker ?? null, setting: row.setting ?? null } };
}

/** Mark the database as `environment`; returns the name it was marked with before, if any. */
export async function markEnvironment(db: Queryable, environment: string, markedBy: string): Promise<{ previous: string | null }> {
  const { rows } = await db.query<{ previous: string | null }>(
    `WITH previous AS (SELECT name FROM airlock.environment_marker)
     INSERT INTO airlock.environment_marker (singleton, name, marked_by) VALUES (true, $1, $2)
     ON CONFLICT (singleton) DO UPDATE SET name = excluded.name, marked_by = excluded.marked_by, marked_at = now()
     RETURNING (SELECT name FROM previous) AS previous`,
    [environment, markedBy],
  );
  return { previous: rows[0]?.previous ?? null };
}
