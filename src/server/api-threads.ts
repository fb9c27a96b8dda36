import type { ThreadSaver } from '@langchain/langgraph-api/experimental/embed';
import { HTTPException } from 'hono/http-exception';
import type pg from 'pg';
import { deleteApiThread, findApiThread, mergeApiThreadMetadata, putApiThread, searchApiThreads, type ApiThreadRow } from '../store/api-threads.ts';

/** A thread as the LangGraph API (and its SDK) reports it. */
export interface ApiThread {
  thread_id: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /** Always `idle`: a thread's progress is read from its state (`threads.getState`), not from this record. */
  status: 'idle';
}

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
      const row = await findApiThread(db, threadId);
      if (!row) throw noSuchThread(threadId);
      return toThread(row);
    },

    async set(threadId, { kind, metadata = {} }) {
      if (kind === 'put') return toThread(await putApiThread(db, threadId, metadata));
      // A patch merges: a run adds graph_id and assistant_id to what the client set.
      const row = await mergeApiThreadMetadata(db, threadId, metadata);
      if (!row) throw noSuchThread(threadId);
      return toThread(row);
    },

    // Only the API's record goes. The thread's checkpoints, its approvals and
    // the audit trail stay: they are the record of what was asked, decided and
    // run, and `airlock history` / `airlock audit` still read them.
    async delete(threadId) {
      if (!(await deleteApiThread(db, threadId))) throw noSuchThread(threadId);
    },

    async *search({ metadata = {}, limit, offset, sortBy, sortOrder }) {
      // sortBy and sortOrder come validated from the route; the store spells the SQL out.
      for (const { row, total } of await searchApiThreads(db, { metadata, limit, offset, sortBy, sortOrder })) yield { thread: toThread(row), total };
    },
  };
}
