import type { RunnableConfig } from '@langchain/core/runnables';
import { WRITES_IDX_MAP, type ChannelVersions, type Checkpoint, type CheckpointMetadata, type PendingWrite } from '@langchain/langgraph-checkpoint';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';

/**
 * LangGraph's PostgresSaver, each write in one statement (issue 17).
 *
 * The library sends a checkpoint as BEGIN, one INSERT per changed channel,
 * the checkpoint's INSERT and COMMIT, and a step's writes as BEGIN, one
 * INSERT per channel written and COMMIT: a step of the line that writes six
 * channels cost sixteen round trips. Here each is one statement (the rows go
 * as arrays, unnested): atomic on its own, so no BEGIN or COMMIT, and the
 * same rows, the same tables and the same conflict rules as the library's,
 * which still reads them back (getTuple, list) and serialises them
 * (_dumpBlobs, _dumpWrites). Extended, not rewritten: everything else is the
 * library's.
 */
export class AirlockSaver extends PostgresSaver {
  readonly #pool: pg.Pool;
  /** Work waiting for its step's writes, by thread and task: run in their transaction, in order. */
  readonly #withWrites = new Map<string, ((client: pg.PoolClient) => Promise<unknown>)[]>();
  readonly #tables: { checkpoints: string; blobs: string; writes: string };

  constructor(pool: pg.Pool, schema: string) {
    super(pool, undefined, { schema });
    this.#pool = pool;
    const quoted = `"${schema.replace(/"/g, '""')}"`;
    this.#tables = { checkpoints: `${quoted}.checkpoints`, blobs: `${quoted}.checkpoint_blobs`, writes: `${quoted}.checkpoint_writes` };
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error('Missing "configurable" field in "config" param');
    const { thread_id: threadId, checkpoint_ns: namespace = '', checkpoint_id: parentId } = config.configurable as Record<string, string | undefined>;
    const [blobs, serializedMetadata] = await Promise.all([this._dumpBlobs(threadId!, namespace, checkpoint.channel_values, newVersions), this._dumpMetadata(metadata)]);
    const column = (index: number) => blobs.map((row) => row[index]);
    await this.#pool.query(
      `WITH blobs AS (
         INSERT INTO ${this.#tables.blobs} (thread_id, checkpoint_ns, channel, version, type, blob)
         SELECT $1, $2, b.channel, b.version, b.type, b.blob FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[]) AS b(channel, version, type, blob)
         ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO NOTHING
       )
       INSERT INTO ${this.#tables.checkpoints} (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata)
       VALUES ($1, $2, $7, $8, $9, $10)
       ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, metadata = EXCLUDED.metadata`,
      [
        threadId,
        namespace,
        column(2),
        column(3),
        column(4),
        blobs.map((row) => (row[5] === undefined ? null : Buffer.from(row[5]))),
        checkpoint.id,
        parentId,
        this._dumpCheckpoint(checkpoint),
        serializedMetadata,
      ],
    );
    return { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpoint.id } };
  }

  /**
   * A step's own writes to Airlock's tables (its audit entries, an
   * approval's outcome), to commit in the same transaction as the step's
   * writes to the checkpoint (the next putWrites of this task): what the
   * trail says a step did is recorded exactly when the step's outcome is,
   * and costs no commit of its own. Only for a run with durability "sync"
   * (LangGraph then writes each task's writes before going on) on this
   * saver's own database; false otherwise, and the caller does the work
   * itself. Nothing may depend on the work's result before the step ends.
   */
  withStepWrites(config: RunnableConfig, db: unknown, work: (client: pg.PoolClient) => Promise<unknown>): boolean {
    const configurable = (config.configurable ?? {}) as Record<string, unknown>;
    const taskId = configurable.__pregel_task_id;
    const threadId = configurable.thread_id;
    if (db !== this.#pool || (config as { durability?: string }).durability !== 'sync' || typeof taskId !== 'string' || typeof threadId !== 'string') return false;
    const key = `${threadId}\u0000${taskId}`;
    this.#withWrites.set(key, [...(this.#withWrites.get(key) ?? []), work]);
    return true;
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    const { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId } = (config.configurable ?? {}) as Record<string, string | undefined>;
    const dumped = await this._dumpWrites(threadId!, namespace!, checkpointId!, taskId, writes);
    // As the library decides: writes of special channels (errors, interrupts,
    // resumes) replace an earlier write at their index; other writes keep the first.
    const replace = writes.every(([channel]) => channel in WRITES_IDX_MAP);
    // One statement cannot touch a row twice: of two writes at one index, the one the library's loop would have left.
    const byIndex = new Map<number, (typeof dumped)[number]>();
    for (const row of dumped) if (replace || !byIndex.has(row[4])) byIndex.set(row[4], row);
    const rows = [...byIndex.values()];
    const key = `${threadId}\u0000${taskId}`;
    const work = this.#withWrites.get(key);
    this.#withWrites.delete(key);
    if (rows.length === 0 && !work) return;
    const column = (index: number) => rows.map((row) => row[index]);
    const statement = {
      text: `INSERT INTO ${this.#tables.writes} (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob)
       SELECT $1, $2, $3, $4, w.idx, w.channel, w.type, w.blob FROM unnest($5::int[], $6::text[], $7::text[], $8::bytea[]) AS w(idx, channel, type, blob)
       ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) ${
         replace ? 'DO UPDATE SET channel = EXCLUDED.channel, type = EXCLUDED.type, blob = EXCLUDED.blob' : 'DO NOTHING'
       }`,
      values: [threadId, namespace, checkpointId, taskId, column(4), column(5), column(6), rows.map((row) => Buffer.from(row[7]))],
    };
    if (!work) {
      await this.#pool.query(statement);
      return;
    }
    // The step's own writes after its checkpoint writes, just before COMMIT (audit rows last: the chain's lock is held until then).
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(statement);
      for (const one of work) await one(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
