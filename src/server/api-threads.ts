import type { ThreadSaver } from '@langchain/langgraph-api/experimental/embed';
import { HTTPException } from 'hono/http-exception';
import type pg from 'pg';

/** A thread as the LangGraph API (and its SDK) reports it. */
export interface ApiThread {
  thread_id: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /** Always `idle`: a thread's progress is read from its state (`threads.getState`), not from this record. */
  status: 'idle';
}

interface ApiThreadRow {
  thread_id: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'thread_id, metadata, created_at, updated_at';

function toThread(row: ApiThreadRow): ApiThread {
  return {
    thread_id: row.thread_id,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    status: 'idle',
  };
}

function noSuchThread(threadId: string): HTTPException {
  return new HTTPException(404, { message: `no thread ${threadId}: create it with POST /threads (client.threads.create())` });
}

/**
 * The LangGraph API's thread records, in `airlock.api_threads` beside the
 * checkpoints, so that threads made through `airlock serve` survive a restart
 * and are seen by every server on the same state database.
 */
export function apiThreads(db: pg.Pool): ThreadSaver {
  return {
    async get(threadId) {
      const { rows } = await db.query<ApiThreadRow>(`SELECT ${COLUMNS} FROM airlock.api_threads WHERE thread_id = $1`, [threadId]);
      if (!rows[0]) throw noSuchThread(threadId);
      return toThread(rows[0]);
    },

    async set(threadId, { kind, metadata = {} }) {
      if (kind === 'put') {
        const { rows } = await db.query<ApiThreadRow>(
          `INSERT INTO airlock.api_threads (thread_id, metadata) VALUES ($1, $2)
           ON CONFLICT (thread_id) DO UPDATE SET metadata = EXCLUDED.metadata, updated_at = now()
           RETURNING ${COLUMNS}`,
          [threadId, JSON.stringify(metadata)],
        );
        return toThread(rows[0]!);
      }
      // A patch merges: a run adds graph_id and assistant_id to what the client set.
      const { rows } = await db.query<ApiThreadRow>(
        `UPDATE airlock.api_threads SET metadata = metadata || $2::jsonb, updated_at = now() WHERE thread_id = $1 RETURNING ${COLUMNS}`,
        [threadId, JSON.stringify(metadata)],
      );
      if (!rows[0]) throw noSuchThread(threadId);
      return toThread(rows[0]);
    },

    // Only the API's record goes. The thread's checkpoints, its approvals and
    // the audit trail stay: they are the record of what was asked, decided and
    // run, and `airlock history` / `airlock audit` still read them.
    async delete(threadId) {
      const { rowCount } = await db.query('DELETE FROM airlock.api_threads WHERE thread_id = $1', [threadId]);
      if (rowCount === 0) throw noSuchThread(threadId);
    },

    async *search({ metadata = {}, limit, offset, sortBy, sortOrder }) {
      // sortBy and sortOrder come validated from the route; spell the SQL out rather than splice strings.
      const column = sortBy === 'updated_at' ? 'updated_at' : 'created_at';
      const direction = sortOrder === 'asc' ? 'ASC' : 'DESC';
      const { rows } = await db.query<ApiThreadRow & { total: string }>(
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM airlock.api_threads
         WHERE metadata @> $1::jsonb ORDER BY ${column} ${direction}, thread_id LIMIT $2 OFFSET $3`,
        [JSON.stringify(metadata), limit, offset],
      );
      for (const row of rows) yield { thread: toThread(row), total: Number(row.total) };
    },
  };
}
