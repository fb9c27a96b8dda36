/**
 * What Airlock's line costs over a bare LangGraph graph on the same saver
 * (issue 17, points 2 and 5). A: a bare graph of seven trivial nodes with an
 * interrupt() in the approve position, compiled with Airlock's own
 * PostgresSaver. B: Airlock's migration graph, started and approved through
 * the entries the CLI uses (startMigration, review), for a migration that
 * needs approval in development (a DROP TABLE: destructive, token required).
 * Both run with durability "sync", on one embedded database only this bench
 * uses, in one process, alternating A/B after a warm-up.
 *
 * Round trips and commits are counted by wrapping pg.Client#query (every
 * pool and the saver use it): each call is one round trip; a COMMIT, or a
 * statement sent outside BEGIN … COMMIT (it is its own transaction, as
 * pg_stat_database.xact_commit would count it), is one commit. Writing
 * commits are those of them that sent anything but reads (SELECT without
 * INSERT/UPDATE/DELETE, SHOW, SET, savepoints): the ones that flush WAL. Checkpoint
 * bytes are sum(pg_column_size(row)) over the thread's rows of checkpoints,
 * checkpoint_blobs and checkpoint_writes.
 *
 *   npm run bench:line                 (BENCH_PAIRS=N for more pairs; default 7)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { Command, END, START, StateGraph, interrupt, Annotation } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { AIRLOCK_SCHEMA } from '../src/store/schema.ts';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { closeAirlock, useAirlock } from '../src/runtime/airlock.ts';
import { startMigration } from '../src/threads/migration-runner.ts';
import { review } from '../src/threads/review.ts';
import { findApproval } from '../src/store/approvals.ts';
import { median } from './figures.ts';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 7);
const WARMUP = 2;
const BIG_STATEMENTS = 200;

// --- counting round trips and commits --------------------------------------
const counts = { roundTrips: 0, commits: 0, writingCommits: 0, dbWaitMs: 0 };
/** Round trips in flight: the wall time with at least one outstanding is time spent waiting on Postgres. */
let inFlight = 0;
let waitStarted = 0;
/** Clients inside BEGIN … COMMIT, and whether their transaction has written yet. */
const openTransactions = new WeakMap<object, { wrote: boolean }>();
/** BENCH_TRACE=1: print the statements of one thread of each side (what to cut). */
let trace: string[] | undefined;
/** A statement that writes nothing: a read, a setting, a savepoint (a heuristic on its first words; checked by the trace). */
const isRead = (text: string) => /^\s*(select|show|set |savepoint|release)/i.test(text) && !/\b(insert|update|delete)\b/i.test(text);
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function countedQuery(this: object, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text ?? '';
  counts.roundTrips += 1;
  const open = openTransactions.get(this);
  if (trace) trace.push(`${open ? '  tx ' : ''}${text.replace(/\s+/g, ' ').slice(0, 110)}`);
  const head = text.trimStart().slice(0, 12).toUpperCase();
  if (head.startsWith('BEGIN') || head.startsWith('START TRANS')) openTransactions.set(this, { wrote: false });
  else if (head.startsWith('COMMIT') || head.startsWith('END')) {
    if (open) {
      counts.commits += 1;
      if (open.wrote) counts.writingCommits += 1;
    }
    openTransactions.delete(this);
  } else if (head.startsWith('ROLLBACK')) openTransactions.delete(this);
  else if (open) open.wrote ||= !isRead(text);
  else {
    counts.commits += 1;
    if (!isRead(text)) counts.writingCommits += 1;
  }
  if (inFlight++ === 0) waitStarted = performance.now();
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    if (--inFlight === 0) counts.dbWaitMs += performance.now() - waitStarted;
  };
  // pg.Pool#query calls the client with a callback (and gets no promise back): time that too.
  const callback = args.at(-1);
  if (typeof callback === 'function') {
    args[args.length - 1] = (...results: unknown[]) => {
      settle();
      return (callback as (...results: unknown[]) => unknown)(...results);
    };
  }
  const pending = originalQuery.apply(this, args);
  if (pending && typeof (pending as Promise<unknown>).then === 'function') (pending as Promise<unknown>).then(settle, settle);
  else if (typeof callback !== 'function') settle();
  return pending;
} as typeof pg.Client.prototype.query;

type Counts = typeof counts;
function snapshot(): Counts {
  return { ...counts };
}
function since(before: Counts): Counts {
  return {
    roundTrips: counts.roundTrips - before.roundTrips,
    commits: counts.commits - before.commits,
    writingCommits: counts.writingCommits - before.writingCommits,
    dbWaitMs: counts.dbWaitMs - before.dbWaitMs,
  };
}

// --- the world: an embedded server, a database of the bench's own -------------
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-line-'));
const server = await ensureEmbeddedPostgres(home);
const database = `airlock_bench_line_${process.pid}`;
{
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
}
const url = new URL(server.url);
url.pathname = `/${database}`;
process.env.DATABASE_URL = url.toString();
process.env.AIRLOCK_HOME = home;
delete process.env.TARGET_DATABASE_URL;
delete process.env.AIRLOCK_POLICY;
process.chdir(home); // no ./airlock.policy.json of the repository's: the built-in policy

const airlock = await useAirlock();
const db = airlock.databases.state;
await db.query('CREATE SCHEMA IF NOT EXISTS bench');

// --- A: the bare graph ---------------------------------------------------------
const BareState = Annotation.Root({
  sql: Annotation<string>,
  environment: Annotation<string>,
  requestedBy: Annotation<string>,
  status: Annotation<string | undefined>,
  decision: Annotation<unknown>,
});
const pass = (name: string) => async () => ({ status: name });
const bareGraph = (checkpointer: PostgresSaver) => new StateGraph(BareState)
  .addNode('classify', pass('classified'))
  .addNode('permit', pass('permitted'))
  .addNode('dryRun', pass('measured'))
  .addNode('approve', async () => ({ decision: interrupt({ question: 'approve?' }), status: 'approved' }))
  .addNode('execute', pass('executed'))
  .addNode('verify', pass('verified'))
  .addNode('audit', pass('completed'))
  .addEdge(START, 'classify')
  .addEdge('classify', 'permit')
  .addEdge('permit', 'dryRun')
  .addEdge('dryRun', 'approve')
  .addEdge('approve', 'execute')
  .addEdge('execute', 'verify')
  .addEdge('verify', 'audit')
  .addEdge('audit', END)
  .compile({ checkpointer });
/** A: the bare graph on LangGraph's own PostgresSaver, as the library ships it. */
const bareStock = bareGraph(new PostgresSaver(db, undefined, { schema: AIRLOCK_SCHEMA }));
/** A′: the same bare graph on Airlock's saver (AirlockSaver: each write one statement), the saver the line runs on. */
const bareOurs = bareGraph(airlock.checkpointer);

interface Run {
  requestMs: number;
  resumeMs: number;
  request: Counts;
  resume: Counts;
  threadId: string;
}

async function runBare(sql: string, bare = bareStock): Promise<Run> {
  const threadId = `bare-${randomUUID()}`;
  const config = { configurable: { thread_id: threadId }, durability: 'sync' as const };
  let before = snapshot();
  let start = performance.now();
  const paused = (await bare.invoke({ sql, environment: 'development', requestedBy: 'bench' }, config)) as { __interrupt__?: { id: string }[] };
  const requestMs = performance.now() - start;
  const request = since(before);
  const pending = paused.__interrupt__?.[0];
  if (!pending) throw new Error('the bare graph did not pause');
  before = snapshot();
  start = performance.now();
  const done = (await bare.invoke(new Command({ resume: { [pending.id]: { type: 'approve' } } }), config)) as { status?: string };
  const resumeMs = performance.now() - start;
  if (done.status !== 'completed') throw new Error(`the bare graph ended ${done.status}`);
  return { requestMs, resumeMs, request, resume: since(before), threadId };
}

// --- B: Airlock's line ----------------------------------------------------------
let tableNumber = 0;
async function runLine(sqlFor: (table: string) => string): Promise<Run> {
  const table = `bench.victim_${(tableNumber += 1)}`;
  await db.query(`CREATE TABLE ${table} (id int); INSERT INTO ${table} SELECT generate_series(1, 10)`);
  const sql = sqlFor(table);
  let before = snapshot();
  let start = performance.now();
  const paused = await startMigration({ sql, environment: 'development', requestedBy: 'agent:bench' });
  const requestMs = performance.now() - start;
  const request = since(before);
  if (paused.status !== 'pending_approval' || !paused.approval_id) throw new Error(`the line did not pause: ${JSON.stringify(paused)}`);
  // The token is what a reviewer reads from the approval (out of band); not part of the timed resume.
  const token = (await findApproval(db, paused.approval_id))!.confirmation_token;
  before = snapshot();
  start = performance.now();
  const done = await review(paused.approval_id, { type: 'approve', reviewer: 'bench-reviewer', token });
  const resumeMs = performance.now() - start;
  if (done.status !== 'completed') throw new Error(`the line ended ${done.status}: ${done.reason ?? ''}`);
  return { requestMs, resumeMs, request, resume: since(before), threadId: paused.thread_id };
}

/** Stored bytes (pg_column_size of each row, after TOAST compression) and raw bytes (the uncompressed payloads) of a thread's checkpoints. */
async function checkpointBytes(threadId: string): Promise<{ stored: number; raw: number }> {
  const { rows } = await db.query<{ stored: string; raw: string }>(
    `SELECT (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM airlock.checkpoints c WHERE thread_id = $1)
          + (SELECT coalesce(sum(pg_column_size(b.*)), 0) FROM airlock.checkpoint_blobs b WHERE thread_id = $1)
          + (SELECT coalesce(sum(pg_column_size(w.*)), 0) FROM airlock.checkpoint_writes w WHERE thread_id = $1) AS stored,
            (SELECT coalesce(sum(octet_length(c.checkpoint::text) + octet_length(c.metadata::text)), 0) FROM airlock.checkpoints c WHERE thread_id = $1)
          + (SELECT coalesce(sum(coalesce(octet_length(b.blob), 0)), 0) FROM airlock.checkpoint_blobs b WHERE thread_id = $1)
          + (SELECT coalesce(sum(octet_length(w.blob)), 0) FROM airlock.checkpoint_writes w WHERE thread_id = $1) AS raw`,
    [threadId],
  );
  return { stored: Number(rows[0]!.stored), raw: Number(rows[0]!.raw) };
}

const smallSql = (table: string) => `DROP TABLE ${table}`;
/**
 * 200 statements, ≈ 22 KB: 199 tables created, then the one DROP that needs
 * the approval. Names and columns vary (a hash per statement), so that the
 * SQL does not compress to nothing in TOAST and flatter either side.
 */
const bigSql = (table: string) => {
  const suffix = table.split('_').pop();
  const word = (index: number, salt: string) => createHash('sha256').update(`${suffix}:${index}:${salt}`).digest('hex').slice(0, 10);
  const creates = Array.from(
    { length: BIG_STATEMENTS - 1 },
    (_, index) =>
      `CREATE TABLE bench.t_${word(index, 't')} (id bigint PRIMARY KEY, c_${word(index, 'a')} text, c_${word(index, 'b')} int DEFAULT ${index});`,
  );
  return [...creates, `DROP TABLE ${table};`].join('\n');
};

try {
  console.log(`bench:line — bare seven-node LangGraph graph vs Airlock's migration line, on the same Postgres, durability sync`);
  console.log(`counting: wrapped pg.Client#query (round trip = one call; commit = COMMIT, or a statement outside BEGIN…COMMIT; writing commit = one that sent more than reads)`);
  for (let index = 0; index < WARMUP; index += 1) {
    await runBare(smallSql('x'), bareStock);
    await runBare(smallSql('x'), bareOurs);
    await runLine(smallSql);
  }
  if (process.env.BENCH_TRACE === '1') {
    for (const [label, side] of [['bare', () => runBare(smallSql('x'))], ['line', () => runLine(smallSql)]] as const) {
      trace = [];
      await side();
      console.log(`--- ${label}: ${trace.length} statements\n${trace.join('\n')}`);
      trace = undefined;
    }
  }
  const runs: { a: Run; o: Run; b: Run }[] = [];
  const arms = { a: () => runBare(smallSql('x'), bareStock), o: () => runBare(smallSql('x'), bareOurs), b: () => runLine(smallSql) };
  const orders = [['a', 'o', 'b'], ['b', 'a', 'o'], ['o', 'b', 'a']] as const;
  for (let index = 0; index < PAIRS; index += 1) {
    // Rotate which side goes first, so a slow moment is shared.
    const done: Partial<Record<'a' | 'o' | 'b', Run>> = {};
    for (const arm of orders[index % orders.length]!) done[arm] = await arms[arm]();
    runs.push(done as { a: Run; o: Run; b: Run });
  }
  const row = (label: string, pick: (run: Run) => number, target: string, digits = 1) => {
    const of = (arm: 'a' | 'o' | 'b') => median(runs.map((run) => pick(run[arm]))).toFixed(digits).padStart(7);
    const ratios = (base: 'a' | 'o') => runs.map((run) => pick(run.b) / pick(run[base]));
    const shown = (base: 'a' | 'o') => `${median(ratios(base)).toFixed(2)}×`.padStart(6);
    console.log(
      `${label.padEnd(34)} bare ${of('a')}  bare′ ${of('o')}  line ${of('b')}   line/bare ${shown('a')} (runs: ${ratios('a').map((r) => r.toFixed(2)).join(' ')})   line/bare′ ${shown('o')}   target ${target}`,
    );
  };
  console.log(`\n${PAIRS} runs of each after ${WARMUP} warm-ups, order rotating; medians (one DROP TABLE in development, approved with its token)`);
  console.log(`bare = the seven-node graph on LangGraph's PostgresSaver; bare′ = the same graph on Airlock's saver (AirlockSaver), which the line runs on`);
  row('request → persisted interrupt ms', (run) => run.requestMs, '≤ 1.5×');
  row('resume (approve) → completion ms', (run) => run.resumeMs, '≤ 1.5×');
  row('  waiting on Postgres ms (request)', (run) => run.request.dbWaitMs, '—');
  row('  waiting on Postgres ms (resume)', (run) => run.resume.dbWaitMs, '—');
  row('  in node ms (request)', (run) => run.requestMs - run.request.dbWaitMs, '—');
  row('  in node ms (resume)', (run) => run.resumeMs - run.resume.dbWaitMs, '—');
  row('round trips per thread', (run) => run.request.roundTrips + run.resume.roundTrips, '—', 0);
  row('  of which request', (run) => run.request.roundTrips, '—', 0);
  row('  of which resume', (run) => run.resume.roundTrips, '—', 0);
  row('commits per thread', (run) => run.request.commits + run.resume.commits, '≤ 1.5×', 0);
  row('  of which request', (run) => run.request.commits, '—', 0);
  row('  of which resume', (run) => run.resume.commits, '—', 0);
  row('writing commits per thread', (run) => run.request.writingCommits + run.resume.writingCommits, '≤ 1.5×', 0);
  row('  of which request', (run) => run.request.writingCommits, '—', 0);
  row('  of which resume', (run) => run.resume.writingCommits, '—', 0);

  // Checkpoint bytes: a 200-statement migration through the line, the bare graph carrying the same SQL.
  const bytesPairs: { a: { stored: number; raw: number }; b: { stored: number; raw: number }; sqlBytes: number }[] = [];
  for (let index = 0; index < 3; index += 1) {
    const line = await runLine(bigSql);
    const sql = bigSql(`bench.victim_${tableNumber}`);
    const bareRun = await runBare(sql);
    bytesPairs.push({ a: await checkpointBytes(bareRun.threadId), b: await checkpointBytes(line.threadId), sqlBytes: Buffer.byteLength(sql) });
    if (process.env.BENCH_TRACE === '1' && index === 0) {
      for (const threadId of [bareRun.threadId, line.threadId]) {
        const { rows } = await db.query(
          `SELECT 'blob' AS kind, channel, count(*)::int AS n, sum(octet_length(blob))::int AS bytes FROM airlock.checkpoint_blobs WHERE thread_id = $1 GROUP BY channel
           UNION ALL SELECT 'write', channel, count(*)::int, sum(octet_length(blob))::int FROM airlock.checkpoint_writes WHERE thread_id = $1 GROUP BY channel
           UNION ALL SELECT 'checkpoint', '', count(*)::int, sum(octet_length(checkpoint::text) + octet_length(metadata::text))::int FROM airlock.checkpoints WHERE thread_id = $1
           ORDER BY bytes DESC`,
          [threadId],
        );
        console.log(`--- ${threadId}`);
        for (const row of rows) console.log(`  ${row.kind.padEnd(10)} ${String(row.channel).padEnd(24)} ${String(row.n).padStart(3)} rows ${String(row.bytes).padStart(8)} bytes`);
      }
    }
  }
  console.log(`\ncheckpoint bytes per thread, ${BIG_STATEMENTS} statements (${(bytesPairs[0]!.sqlBytes / 1024).toFixed(1)} KB of SQL), 3 runs:`);
  for (const kind of ['stored', 'raw'] as const) {
    const ratios = bytesPairs.map((pair) => pair.b[kind] / pair.a[kind]);
    console.log(
      `  ${kind.padEnd(7)}${kind === 'stored' ? '(pg_column_size) ' : '(octet_length)   '} bare ${(median(bytesPairs.map((pair) => pair.a[kind])) / 1024).toFixed(1).padStart(6)} KB   ` +
        `line ${(median(bytesPairs.map((pair) => pair.b[kind])) / 1024).toFixed(1).padStart(6)} KB   ratio median ${median(ratios).toFixed(2)}×  (runs: ${ratios.map((r) => r.toFixed(2)).join(' ')})   target ≤ 2×`,
    );
  }
} finally {
  await closeAirlock();
  if (server.startedNow) await stopEmbeddedPostgres(home);
  fs.rmSync(home, { recursive: true, force: true });
}
