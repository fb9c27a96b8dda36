/**
 * A whole cleanup thread against a bare DELETE of the same rows (issue 17,
 * point 4: ≤ 2×). A is the thread through the real runner (src/threads):
 * request → checked filter → dry-run → pause for approval → approve (the
 * reviewer's checks, the atomic decision, the resume) → backup from the
 * DELETE's own RETURNING → delete → verify (row count, backup by key) →
 * audit, with every checkpoint and audit row written as in production. B is
 * `DELETE FROM t WHERE …` on its own connection, autocommitted. Before every
 * run, A's or B's, the table is rebuilt identically (not timed), and the
 * order alternates pair by pair (A B, B A, …) so that drift and noise fall on
 * both. Prints each pair, the medians and the ratio per pair with its median:
 *
 *   npm run bench:cleanup [-- --rows 1000000 --shares 5,50 --pairs 5]
 *
 * Uses an embedded Postgres under a temporary AIRLOCK_HOME (or DATABASE_URL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { closeAirlock, useAirlock } from '../src/runtime/airlock.ts';
import { stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { startCleanup } from '../src/threads/migration-runner.ts';
import { loadApproval } from '../src/threads/load-approval.ts';
import { review } from '../src/threads/review.ts';
import { median, ratioLine, timed } from './figures.ts';

function flagsOrExit() {
  try {
    return parseArgs({
      options: {
        rows: { type: 'string', default: '1000000' },
        shares: { type: 'string', default: '5,50' },
        pairs: { type: 'string', default: '5' },
        'warm-up': { type: 'string', default: '1' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}: usage npm run bench:cleanup -- --rows 1000000 --shares 5,50 --pairs 5 --warm-up 1`);
    process.exit(2);
  }
}
const flags = flagsOrExit();
const ROWS = Number(flags.rows);
const SHARES = flags.shares.split(',').map(Number);
const PAIRS = Number(flags.pairs);
const WARM_UP = Number(flags['warm-up']);
for (const [name, value] of [['--rows', ROWS], ['--pairs', PAIRS], ['--warm-up', WARM_UP]] as const) {
  if (!Number.isInteger(value) || value < (name === '--warm-up' ? 0 : 1)) {
    console.error(`${name} must be a whole number${name === '--warm-up' ? '' : ' of at least 1'}: e.g. --rows 1000000 --pairs 5`);
    process.exit(2);
  }
}
if (SHARES.some((share) => !(share > 0 && share <= 100))) {
  console.error('--shares must be percentages of the table above 0 and at most 100, separated by commas: e.g. --shares 5,50');
  process.exit(2);
}

const TARGET = 2;
const TABLE = 'airlock_bench.items';
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-cleanup-'));
process.env.AIRLOCK_HOME = home;
// The thread asks a staging reviewer (approval needed, no row cap): the whole line runs, nothing is refused.
const ENVIRONMENT = 'staging';

const airlock = await useAirlock();
const target = airlock.databases.target;
// B's own connection, as a script without Airlock would have.
const bare = new pg.Client({ connectionString: airlock.databases.targetUrl });
await bare.connect();

/** The same table every time: ids 1..ROWS, v = id % 1000, a 32-byte payload, a primary key, fresh statistics. */
async function rebuild(): Promise<void> {
  await target.query(`DROP SCHEMA IF EXISTS airlock_bench CASCADE; CREATE SCHEMA airlock_bench`);
  await target.query(`CREATE TABLE ${TABLE} AS SELECT n AS id, (n % 1000)::int AS v, md5(n::text) AS payload FROM generate_series(1, ${ROWS}) n`);
  await target.query(`ALTER TABLE ${TABLE} ADD PRIMARY KEY (id)`);
  await target.query(`VACUUM ANALYZE ${TABLE}`);
  // Each run starts from the same clean buffers and WAL position: no run pays for the previous one's dirty pages.
  await target.query('CHECKPOINT');
}

/** The rows `share`% of the table: v < share × 10. */
const predicateFor = (share: number) => `v < ${Math.round(share * 10)}`;

interface ThreadRun {
  total: number;
  toPause: number;
  toEnd: number;
  removed: number;
}

async function cleanupThread(predicate: string): Promise<ThreadRun> {
  const started = process.hrtime.bigint();
  const [paused, toPause] = await timed(() =>
    startCleanup({ table: TABLE, predicate, mode: 'delete', environment: ENVIRONMENT, requestedBy: 'dev' }),
  );
  if (paused.status !== 'pending_approval' || !paused.approval_id) throw new Error(`the cleanup did not pause for approval: ${paused.status} ${paused.reason ?? ''}`);
  const [done, toEnd] = await timed(async () => {
    const approval = await loadApproval(paused.approval_id!);
    return review(paused.approval_id!, { type: 'approve', reviewer: 'alice', token: approval.confirmation_token });
  });
  const total = Number(process.hrtime.bigint() - started) / 1e6;
  if (done.status !== 'completed') throw new Error(`the cleanup did not complete: ${done.status} ${done.reason ?? ''}`);
  const removed = done.result?.statements.find((statement) => statement.kind === 'DeleteStmt')?.rowCount ?? 0;
  // Not part of the run: the next one starts without this one's backup.
  await target.query('DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = \'airlock_backup\' LOOP EXECUTE format(\'DROP TABLE airlock_backup.%I\', t.tablename); END LOOP; END $$');
  return { total, toPause, toEnd, removed };
}

async function bareDelete(predicate: string): Promise<{ total: number; removed: number }> {
  const [outcome, total] = await timed(() => bare.query(`DELETE FROM ${TABLE} WHERE ${predicate}`));
  return { total, removed: outcome.rowCount ?? 0 };
}

try {
  console.log(
    `cleanup thread (A) against a bare DELETE (B) on a ${ROWS.toLocaleString('en')}-row table; ${WARM_UP} warm-up pair(s), then ${PAIRS} pairs per share, order alternating (A B, B A, …), the table rebuilt before every run; node ${process.version}`,
  );
  const [, rebuildMs] = await timed(rebuild);
  console.log(`(one rebuild of the table: ${(rebuildMs / 1000).toFixed(1)} s, not timed in the runs)`);
  const summary: string[] = [];
  for (const share of SHARES) {
    const predicate = predicateFor(share);
    console.log('');
    console.log(`share ${share}% (WHERE ${predicate})`);
    console.log('pair   order   thread (A)   to pause   approve→end   bare DELETE (B)   rows      A/B');
    const ratios: number[] = [];
    const threads: number[] = [];
    const bares: number[] = [];
    for (let pair = -WARM_UP; pair < PAIRS; pair++) {
      const aFirst = (pair + WARM_UP) % 2 === 0;
      let a: ThreadRun | undefined;
      let b: { total: number; removed: number } | undefined;
      for (const which of aFirst ? ['A', 'B'] : ['B', 'A']) {
        await rebuild();
        if (which === 'A') a = await cleanupThread(predicate);
        else b = await bareDelete(predicate);
      }
      if (a!.removed !== b!.removed) throw new Error(`A removed ${a!.removed} rows and B ${b!.removed}: not the same rows`);
      const ratio = a!.total / b!.total;
      const label = pair < 0 ? 'warm' : String(pair + 1);
      console.log(
        `${label.padEnd(6)} ${(aFirst ? 'A B' : 'B A').padEnd(7)} ${a!.total.toFixed(0).padStart(7)} ms ${a!.toPause.toFixed(0).padStart(7)} ms ${a!.toEnd
          .toFixed(0)
          .padStart(9)} ms ${b!.total.toFixed(0).padStart(12)} ms      ${String(b!.removed).padEnd(9)} ${ratio.toFixed(2)}×${pair < 0 ? '  (warm-up, not counted)' : ''}`,
      );
      if (pair < 0) continue;
      ratios.push(ratio);
      threads.push(a!.total);
      bares.push(b!.total);
    }
    console.log(`medians: thread ${median(threads).toFixed(0)} ms, bare DELETE ${median(bares).toFixed(0)} ms`);
    const line = ratioLine(`share ${share}%: cleanup thread / bare DELETE`, ratios, `target ≤ ${TARGET}×`, (r) => `${r.toFixed(2)}×`);
    console.log(line);
    summary.push(line);
  }
  console.log('');
  console.log(`summary (${ROWS.toLocaleString('en')} rows):`);
  for (const line of summary) console.log(`  ${line}`);
} finally {
  await bare.end().catch(() => {});
  await target.query('DROP SCHEMA IF EXISTS airlock_bench CASCADE').catch(() => {});
  const embedded = airlock.databases.embedded;
  await closeAirlock();
  if (embedded?.startedNow) await stopEmbeddedPostgres(home);
  fs.rmSync(home, { recursive: true, force: true });
}
