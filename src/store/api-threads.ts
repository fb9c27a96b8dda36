import type pg from 'pg';

/**
 * Every query against airlock.api_threads: the LangGraph API's thread
 * records (id and metadata, such as which graph runs on it) beside the
 * checkpoints, which hold the threads' state itself.
 */

type Queryable = Pick<pg.Pool, 'query'>;

export interface ApiThreadRow {
  thread_id: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = (['thread_id', 'metadata', 'created_at', 'updated_at'] as const satisfies readonly (keyof ApiThreadRow)[]).join(', ');

export async function findApiThread(db: Queryable, threadId: string): Promise<ApiThreadRow | undefined> {
  const { rows } = await db.query<ApiThreadRow>(`SELECT ${COLUMNS} FROM airlock.api_threads WHERE thread_id = $1`, [threadId]);
  return rows[0];
}

/** Create the thread, or replace its metadata when it exists. */
export async function putApiThread(db: Queryable, threadId: string, metadata: Record<string, unknown>): Promise<ApiThreadRow> {
  const { rows } = await db.query<ApiThreadRow>(
    `INSERT INTO airlock.api_threads (thread_id, metadata) VALUES ($1, $2)
     ON CONFLICT (thread_id) DO UPDATE SET metadata = EXCLUDED.metadata, updated_at = now()
     RETURNING ${COLUMNS}`,
    [threadId, JSON.stringify(metadata)],
  );
  return rows[0]!;
}

/** Merge metadata into an existing thread's; undefined when there is no such thread. */
export async function mergeApiThreadMetadata(db: Queryable, threadId: string, metadata: Record<string, unknown>): Promise<ApiThreadRow | undefined> {
  const { rows } = await db.query<ApiThreadRow>(
    `UPDATE airlock.api_threads SET metadata = metadata || $2::jsonb, updated_at = now() WHERE thread_id = $1 RETURNING ${COLUMNS}`,
    [threadId, JSON.stringify(metadata)],
  );
  return rows[0];
}

/** Delete the thread's record; false when there was none. */
export async function deleteApiThread(db: Queryable, threadId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM airlock.api_threads WHERE thread_id = $1', [threadId]);
  return rowCount !== 0;
}

export interface ApiThreadSearch {
  /** Threads whose metadata contains this (jsonb @>). */
  metadata: Record<string, unknown>;
  limit: number;
  offset: number;
  sortBy: 'created_at' | 'updated_at';
  sortOrder: 'asc' | 'desc';
}

/** One page of the threads that match, each with the count of all that match. */
export async function searchApiThreads(db: Queryable, search: ApiThreadSearch): Promise<{ row: ApiThreadRow; total: number }[]> {
  // Spell the ORDER BY out from the two known values rather than splice what was passed.
  const column = search.sortBy === 'updated_at' ? 'updated_at' : 'created_at';
  const direction = search.sortOrder === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await db.query<ApiThreadRow & { total: string }>(
    `SELECT ${COLUMNS}, count(*) OVER () AS total FROM airlock.api_threads
     WHERE metadata @> $1::jsonb ORDER BY ${column} ${direction}, thread_id LIMIT $2 OFFSET $3`,
    [JSON.stringify(search.metadata), search.limit, search.offset],
  );
  return rows.map(({ total, ...row }) => ({ row, total: Number(total) }));
}
