import { Command, END, START, StateGraph, interrupt, Annotation } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirlockSaver } from '../../src/store/checkpoint-saver.ts';
import { AIRLOCK_SCHEMA, migrateStateSchema } from '../../src/store/schema.ts';
import { createScratchDatabase } from '../helpers/database.ts';

/**
 * AirlockSaver writes each checkpoint and each step's writes in one
 * statement. What it stores must be exactly what LangGraph's own
 * PostgresSaver stores, row for row, so that the library reads it back, old
 * threads resume, and a thread written by either continues under the other.
 */
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: pg.Pool;
const round = { trips: 0 };

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_saver');
  pool = new pg.Pool({ connectionString: scratch.url, max: 3 });
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      round.trips += 1;
      return query(...args);
    }) as typeof client.query;
  });
  await migrateStateSchema(pool);
});
afterAll(async () => {
  await pool?.end();
  await scratch?.drop();
});

const State = Annotation.Root({
  text: Annotation<string>,
  big: Annotation<string | undefined>,
  steps: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  decision: Annotation<unknown>,
});

function graphOn(checkpointer: PostgresSaver) {
  return new StateGraph(State)
    .addNode('first', async () => ({ steps: ['first'], big: 'x'.repeat(5000) }))
    .addNode('ask', async () => ({ decision: interrupt({ question: 'go?' }), steps: ['ask'] }))
    .addNode('last', async (state) => ({ steps: ['last'], text: `${state.text}!` }))
    .addEdge(START, 'first')
    .addEdge('first', 'ask')
    .addEdge('ask', 'last')
    .addEdge('last', END)
    .compile({ checkpointer });
}

const config = (threadId: string) => ({ configurable: { thread_id: threadId }, durability: 'sync' as const });

/** Every row of a thread in the three tables, as comparable text (ids and timestamps named by their order). */
async function rowsOf(threadId: string) {
  const ids = new Map<string, string>();
  const id = (value: string | null) => (value === null ? null : (ids.get(value) ?? ids.set(value, `#${ids.size}`).get(value)!));
  const checkpoints = await pool.query(
    `SELECT checkpoint_id, parent_checkpoint_id, checkpoint, metadata FROM airlock.checkpoints WHERE thread_id = $1 ORDER BY checkpoint_id`,
    [threadId],
  );
  const blobs = await pool.query(`SELECT channel, version, type, encode(blob, 'hex') AS blob FROM airlock.checkpoint_blobs WHERE thread_id = $1 ORDER BY channel, version`, [threadId]);
  const writes = await pool.query(
    `SELECT checkpoint_id, idx, channel, type, octet_length(blob) AS size FROM airlock.checkpoint_writes WHERE thread_id = $1 ORDER BY checkpoint_id, channel, idx`,
    [threadId],
  );
  return {
    checkpoints: checkpoints.rows.map((row) => ({
      id: id(row.checkpoint_id),
      parent: id(row.parent_checkpoint_id),
      channels: Object.keys(row.checkpoint.channel_values ?? {}).sort(),
      versions: Object.keys(row.checkpoint.channel_versions).sort(),
      step: row.metadata.step,
      source: row.metadata.source,
    })),
    // Versions are ordered counters (their text includes a random tail): only how many of each channel.
    blobs: Object.entries(
      blobs.rows.reduce<Record<string, string[]>>((all, row) => ({ ...all, [row.channel]: [...(all[row.channel] ?? []), `${row.type}:${row.channel === 'big' ? row.blob.length : ''}`] }), {}),
    ),
    writes: writes.rows.map((row) => ({ checkpoint: id(row.checkpoint_id), idx: row.idx, channel: row.channel, type: row.type })),
  };
}

async function runThread(checkpointer: PostgresSaver, threadId: string) {
  const graph = graphOn(checkpointer);
  const paused = (await graph.invoke({ text: 'hello' }, config(threadId))) as { __interrupt__?: { id: string }[] };
  const done = await graph.invoke(new Command({ resume: { [paused.__interrupt__![0]!.id]: 'yes' } }), config(threadId));
  return { paused, done };
}

describe('AirlockSaver', () => {
  it("stores the same rows as LangGraph's PostgresSaver for the same thread, and the library reads them back", async () => {
    const stock = new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA });
    const ours = new AirlockSaver(pool, AIRLOCK_SCHEMA);
    const a = await runThread(stock, 'saver-stock');
    const b = await runThread(ours, 'saver-ours');
    expect(b.done).toEqual(a.done);
    expect(b.done).toMatchObject({ text: 'hello!', steps: ['first', 'ask', 'last'], decision: 'yes' });
    expect(await rowsOf('saver-ours')).toEqual(await rowsOf('saver-stock'));
    // Read back by the library's own code, from either.
    const stockRead = await stock.getTuple(config('saver-ours'));
    expect(stockRead?.checkpoint.channel_values).toMatchObject({ text: 'hello!', steps: ['first', 'ask', 'last'] });
  });

  it('a thread paused under the library resumes under AirlockSaver, and the other way round', async () => {
    const stock = new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA });
    const ours = new AirlockSaver(pool, AIRLOCK_SCHEMA);
    for (const [first, second, threadId] of [
      [stock, ours, 'saver-stock-then-ours'],
      [ours, stock, 'saver-ours-then-stock'],
    ] as const) {
      const paused = (await graphOn(first).invoke({ text: 'hi' }, config(threadId))) as { __interrupt__?: { id: string }[] };
      const interrupts = (await second.getTuple(config(threadId)))?.pendingWrites?.filter(([, channel]) => channel === '__interrupt__');
      expect(interrupts, threadId).toHaveLength(1);
      const done = await graphOn(second).invoke(new Command({ resume: { [paused.__interrupt__![0]!.id]: 'ok' } }), config(threadId));
      expect(done, threadId).toMatchObject({ text: 'hi!', steps: ['first', 'ask', 'last'], decision: 'ok' });
    }
  });

  it('a checkpoint is one round trip, a step\'s writes are one round trip (the library: one per row, plus BEGIN and COMMIT)', async () => {
    const ours = new AirlockSaver(pool, AIRLOCK_SCHEMA);
    const stock = new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA });
    const tuple = (await stock.getTuple(config('saver-ours')))!;
    const versions = { text: '9.1', big: '9.2', steps: '9.3' };
    const checkpoint = { ...tuple.checkpoint, id: '1f000000-0000-6000-8000-000000000001', channel_values: { text: 'a', big: 'b', steps: ['c'] }, channel_versions: versions };
    const measure = async (work: () => Promise<unknown>) => {
      const before = round.trips;
      await work();
      return round.trips - before;
    };
    expect(await measure(() => ours.put(config('saver-trips'), checkpoint, tuple.metadata!, versions))).toBe(1);
    const next = { configurable: { thread_id: 'saver-trips', checkpoint_ns: '', checkpoint_id: checkpoint.id } };
    expect(await measure(() => ours.putWrites(next, [['text', 'x'], ['big', 'y'], ['steps', ['z']]], 'task-1'))).toBe(1);
    expect(await measure(() => stock.putWrites(next, [['text', 'x'], ['big', 'y'], ['steps', ['z']]], 'task-2'))).toBe(5);
    const read = await stock.getTuple(next);
    expect(read?.checkpoint.channel_values).toEqual({ text: 'a', big: 'b', steps: ['c'] });
    expect(read?.pendingWrites?.filter(([task]) => task === 'task-1')).toEqual([
      ['task-1', 'text', 'x'],
      ['task-1', 'big', 'y'],
      ['task-1', 'steps', ['z']],
    ]);
  });

  it('writes of special channels replace an earlier write at their index, as the library does; ordinary writes keep the first', async () => {
    const ours = new AirlockSaver(pool, AIRLOCK_SCHEMA);
    const stock = new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA });
    const at = (threadId: string) => ({ configurable: { thread_id: threadId, checkpoint_ns: '', checkpoint_id: '1f000000-0000-6000-8000-000000000002' } });
    for (const [saver, threadId] of [
      [stock, 'saver-special-stock'],
      [ours, 'saver-special-ours'],
    ] as const) {
      await saver.putWrites(at(threadId), [['__error__', 'first error']], 'task');
      await saver.putWrites(at(threadId), [['__error__', 'second error'], ['__error__', 'third error']], 'task');
      await saver.putWrites(at(threadId), [['text', 'kept'], ['__interrupt__', 'i1']], 'task');
      await saver.putWrites(at(threadId), [['text', 'not kept'], ['__interrupt__', 'i2']], 'task');
    }
    const writesOf = async (threadId: string) => {
      const { rows } = await pool.query(`SELECT task_id, channel, type, blob FROM airlock.checkpoint_writes WHERE thread_id = $1 ORDER BY idx`, [threadId]);
      return Promise.all(rows.map(async (row) => [row.task_id, row.channel, await stock.serde.loadsTyped(row.type, row.blob)]));
    };
    expect(await writesOf('saver-special-ours')).toEqual(await writesOf('saver-special-stock'));
    expect(await writesOf('saver-special-ours')).toEqual(expect.arrayContaining([['task', '__error__', 'third error'], ['task', 'text', 'kept'], ['task', '__interrupt__', 'i1']]));
  });

  it('a checkpoint whose statement fails stores nothing of it (one statement: no blobs without their checkpoint)', async () => {
    const ours = new AirlockSaver(pool, AIRLOCK_SCHEMA);
    const tuple = (await new PostgresSaver(pool, undefined, { schema: AIRLOCK_SCHEMA }).getTuple(config('saver-ours')))!;
    // A checkpoint id that is not text the column takes (a NUL byte): the checkpoint's INSERT fails after the blobs' CTE.
    const broken = { ...tuple.checkpoint, id: 'bad\u0000id', channel_values: { text: 'lost' } };
    await expect(ours.put(config('saver-atomic'), broken, tuple.metadata!, { text: '7.1' })).rejects.toThrow();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM airlock.checkpoint_blobs WHERE thread_id = 'saver-atomic'`);
    expect(rows[0].n).toBe(0);
  });
});
