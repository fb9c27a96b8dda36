/**
 * The two scans a cleanup pays for its safety, each against its baseline in
 * the same run, alternating, with repeats and medians:
 *
 * 1. the dry-run's exact count (src/pipeline/blast-radius.ts: one scan,
 *    `count(*) FILTER (WHERE …)` beside the total) against the two scans it
 *    replaced (the filter's count, then the table's), and the share of the
 *    count budget it uses;
 * 2. execution's DELETE that keeps what it removes (effect-backup.ts: the
 *    DELETE … RETURNING that fills the backup, counts the rows and
 *    fingerprints them in one statement, as the execute step runs it)
 *    against a bare DELETE of the same rows.
 *
 * Each run of part 2 is in a transaction that is rolled back, so the table is
 * the same for the next one (and no run pays for a commit). The whole thread,
 * with its graph, approval, commit, verify and audit, is bench/cleanup-thread.ts.
 *
 *   npm run bench:blast-radius [-- --rows 1000000 --pairs 5 --parts count,execute]   (BENCH_LARGE=1: 10M rows)
 *
 * Embedded Postgres under a temporary AIRLOCK_HOME, or DATABASE_URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_COUNT_BUDGET_MS, measureBlastRadius } from '../src/pipeline/blast-radius.ts';
import { changeAndKeep } from '../src/pipeline/effect-backup.ts';
import { planCleanup } from '../src/policy/cleanup-request.ts';
import { loadSqlParser } from '../src/sql/parse-sql.ts';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { migrateStateSchema } from '../src/store/schema.ts';
import { median, ratioLine, timed } from './figures.ts';

function flagsOrExit() {
  try {
    return parseArgs({
      options: {
        rows: { type: 'string', default: process.env.BENCH_LARGE === '1' ? '10000000' : '1000000' },
        pairs: { type: 'string', default: '5' },
        // `count` alone for 10M rows: part 2 copies millions of rows a run.
        parts: { type: 'string', default: 'count,execute' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}: usage npm run bench:blast-radius -- --rows 1000000 --pairs 5 --parts count,execute`);
    process.exit(2);
  }
}
const flags = flagsOrExit();
const PARTS = new Set(flags.parts.split(','));
if (PARTS.size === 0 || [...PARTS].some((part) => part !== 'count' && part !== 'execute')) {
  console.error('--parts is count, execute or both (count,execute)');
  process.exit(2);
}
const ROWS = Number(flags.rows);
const PAIRS = Number(flags.pairs);
if (!Number.isInteger(ROWS) || ROWS < 1000 || !Number.isInteger(PAIRS) || PAIRS < 1) {
  console.error('--rows must be a whole number of at least 1000 and --pairs at least 1: e.g. --rows 1000000 --pairs 5');
  process.exit(2);
}
const SHARES: [label: string, predicate: string][] = [
  ['0.1%', 'v < 1'],
  ['5%', 'v < 50'],
  ['50%', 'v < 500'],
];

await loadSqlParser();
/** The cleanup the dry-run and execution would build for the bench table (from the parse tree). */
function planOf(predicate: string) {
  const plan = planCleanup('airlock_bench.items', predicate);
  if (!plan.ok) throw new Error(plan.refusal.message);
  return plan.value;
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-'));
let started = false;
let url = process.env.DATABASE_URL;
if (!url) {
  const server = await ensureEmbeddedPostgres(home);
  started = server.startedNow;
  url = server.url;
}
// Two connections: migrateStateSchema holds one under its advisory lock while the checkpointer sets up on another.
const pool = new pg.Pool({ connectionString: url, max: 2 });
await migrateStateSchema(pool);
const client = await pool.connect();

/** A and B back to back, the order flipping pair by pair; one warm-up pair first, not counted. */
async function alternate(a: () => Promise<number>, b: () => Promise<number>): Promise<{ a: number[]; b: number[]; ratios: number[] }> {
  const out = { a: [] as number[], b: [] as number[], ratios: [] as number[] };
  for (let pair = -1; pair < PAIRS; pair++) {
    const [first, second] = pair % 2 === 0 ? [b, a] : [a, b];
    const one = await first();
    const two = await second();
    const [ta, tb] = pair % 2 === 0 ? [two, one] : [one, two];
    if (pair < 0) continue;
    out.a.push(ta);
    out.b.push(tb);
    out.ratios.push(ta / tb);
  }
  return out;
}

async function readOnly<T>(work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN READ ONLY');
  try {
    return await work();
  } finally {
    await client.query('ROLLBACK');
  }
}

async function rolledBack(work: () => Promise<unknown>): Promise<number> {
  await client.query('BEGIN');
  try {
    const [, ms] = await timed(work);
    return ms;
  } finally {
    await client.query('ROLLBACK');
  }
}

const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;

try {
  process.stdout.write(`loading ${ROWS.toLocaleString('en')} rows… `);
  const [, loadMs] = await timed(async () => {
    await client.query('DROP SCHEMA IF EXISTS airlock_bench CASCADE; CREATE SCHEMA airlock_bench');
    await client.query(`CREATE TABLE airlock_bench.items AS SELECT n AS id, (n % 1000)::int AS v, md5(n::text) AS payload FROM generate_series(1, ${ROWS}) n`);
    await client.query('ALTER TABLE airlock_bench.items ADD PRIMARY KEY (id)');
    await client.query('VACUUM ANALYZE airlock_bench.items');
  });
  console.log(`${(loadMs / 1000).toFixed(1)} s; ${PAIRS} pairs per figure after a warm-up pair, A/B order alternating; node ${process.version}`);
  const summary: string[] = [];

  if (PARTS.has('count')) console.log('');
  if (PARTS.has('count')) console.log(`1. the dry-run's exact count (A: one scan) against the two scans it replaced (B: the filter's count, then the table's); budget ${DEFAULT_COUNT_BUDGET_MS} ms`);
  for (const [label, predicate] of PARTS.has('count') ? SHARES : []) {
    const change = planOf(predicate).change;
    let estimated = false;
    const oneScan = () =>
      readOnly(async () => {
        const [radius, took] = await timed(() =>
          measureBlastRadius(client, change, { budgetMs: DEFAULT_COUNT_BUDGET_MS, statementTimeout: '10min', label: `dry-run ${label}` }),
        );
        estimated ||= radius.estimated;
        return took;
      });
    const twoScans = () =>
      readOnly(async () => {
        const [, took] = await timed(async () => {
          await client.query(change.arms[0]!.count);
          await client.query(change.tableRows);
        });
        return took;
      });
    const figures = await alternate(oneScan, twoScans);
    const line = ratioLine(`share ${label}: one scan / two scans`, figures.ratios, 'target < 1×: the count no longer scans twice');
    console.log(
      `  medians: one scan ${ms(figures.a)} (${((100 * median(figures.a)) / DEFAULT_COUNT_BUDGET_MS).toFixed(0)}% of the budget${estimated ? '; past the budget at least once: an estimate' : ''}), two scans ${ms(figures.b)}`,
    );
    console.log(`  ${line}`);
    summary.push(line);
  }

  if (PARTS.has('execute')) console.log('');
  if (PARTS.has('execute')) console.log('2. execution: the DELETE that keeps, counts and fingerprints what it removes (A) against a bare DELETE of the same rows (B), each rolled back');
  let run = 0;
  for (const [label, predicate] of PARTS.has('execute') ? SHARES : []) {
    const plan = planOf(predicate);
    const keeping = () =>
      rolledBack(() =>
        changeAndKeep(
          client as pg.PoolClient,
          plan.statement,
          { threadId: 'bench', idempotencyKey: `bench-${++run}`, actionId: `act_bench_${run}`, environment: 'bench', createdAt: new Date(0) },
          { shape: 'rows' },
        ),
      );
    const bare = () => rolledBack(() => client.query(`DELETE FROM airlock_bench.items WHERE ${predicate}`));
    const figures = await alternate(keeping, bare);
    const line = ratioLine(`share ${label}: keeping DELETE / bare DELETE`, figures.ratios, 'the whole thread’s target is ≤ 2× (bench:cleanup)');
    console.log(`  medians: keeping DELETE ${ms(figures.a)}, bare DELETE ${ms(figures.b)}`);
    console.log(`  ${line}`);
    summary.push(line);
  }

  console.log('');
  console.log(`summary (${ROWS.toLocaleString('en')} rows${process.env.BENCH_LARGE === '1' ? '' : '; BENCH_LARGE=1 or --rows 10000000 for 10M'}):`);
  for (const line of summary) console.log(`  ${line}`);
} finally {
  await client.query('DROP SCHEMA IF EXISTS airlock_bench CASCADE').catch(() => {});
  client.release();
  await pool.end();
  if (started) await stopEmbeddedPostgres(home);
  fs.rmSync(home, { recursive: true, force: true });
}
