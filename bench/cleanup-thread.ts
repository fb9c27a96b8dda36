/**
 * A whole cleanup thread against a bare DELETE of the same rows (issue 17,
 * point 4: ≤ 2×). A is the thread through the real runner (src/threads):
 * request → checked filter → dry-run → pause for approval → approve (the
 * reviewer's checks, the atomic decision, the resume) → backup from the
 * DELETE's own RETURNING → delete → verify (row count, backup by key) →
 * audit, with every checkpoint and audit row written as in production. B is
 * `DELETE FROM t WHERE …` on its own connection, autocommitted. C is the
 * floor under A: only the SQL a thread cannot do without, issued by the
 * thread's own functions — the dry-run's one-scan count (the statement
 * row-change.ts builds and blast-radius.ts runs, in a read-only transaction)
 * and, in one transaction, the backup table and the DELETE that keeps its rows
 * (effect-backup.ts changeAndKeep); no graph, checkpoint, audit or verify.
 * Before every run the table is rebuilt identically (not timed), and the
 * order rotates pair by pair (A B C, B C A, C A B, …) so that each arm comes
 * first equally often and drift falls on all three. Prints each pair, the
 * medians and the ratios per pair with their medians:
 *
 *   npm run bench:cleanup [-- --rows 1000000 --shares 5,50 --pairs 6]
 *
 * Uses an embedded Postgres under a temporary AIRLOCK_HOME (or DATABASE_URL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { planCleanup, type CleanupPlan } from '../src/policy/cleanup-request.ts';
import { changeAndKeep } from '../src/pipeline/effect-backup.ts';
import { closeAirlock, useAirlock } from '../src/runtime/airlock.ts';
import { stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { startCleanup } from '../src/threads/migration-runner.ts';
import { loadApproval } from '../src/threads/load-approval.ts';
import { review } from '../src/threads/review.ts';
import { loadSqlParser } from '../src/sql/parse-sql.ts';
import { median, ratioLine, timed } from './figures.ts';

function flagsOrExit() {
  try {
    return parseArgs({
      options: {
        rows: { type: 'string', default: '1000000' },
        shares: { type: 'string', default: '5,50' },
        pairs: { type: 'string', default: '6' },
        'warm-up': { type: 'string', default: '1' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}: usage npm run bench:cleanup -- --rows 1000000 --shares 5,50 --pairs 6 --warm-up 1`);
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
    console.error(`${name} must be a whole number${name === '--warm-up' ? '' : ' of at least 1'}: e.g. --rows 1000000 --pairs 6`);
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

interface FloorRun {
  total: number;
  count: number;
  capture: number;
  removed: number;
}

let floorRuns = 0;

/**
 * C: what any line that counts before approval and keeps the removed rows in
 * the database must run, through the thread's own code: the dry-run's count
 * (one scan, as blast-radius.ts issues it, read-only), then the backup table
 * and the capture statement committed together (changeAndKeep, which also
 * registers the backup as execution does).
 */
async function floorRun(plan: CleanupPlan): Promise<FloorRun> {
  const client = await target.connect();
  const actionId = `bench_floor_${++floorRuns}`;
  try {
    const started = process.hrtime.bigint();
    const [counted, count] = await timed(async () => {
      await client.query('BEGIN READ ONLY');
      const { rows } = await client.query<{ rows: string }>(plan.change.oneScan!);
      await client.query('ROLLBACK');
      return Number(rows[0]!.rows);
    });
    const [captured, capture] = await timed(async () => {
      await client.query('BEGIN');
      const owner = { threadId: actionId, idempotencyKey: actionId, actionId, environment: ENVIRONMENT, createdAt: new Date() };
      const kept = await changeAndKeep(client, plan.statement, owner, { shape: 'rows' });
      await client.query('COMMIT');
      return kept;
    });
    const total = Number(process.hrtime.bigint() - started) / 1e6;
    if (captured.deleted !== counted || captured.kept !== counted) throw new Error(`C counted ${counted} rows, deleted ${captured.deleted} and kept ${captured.kept}`);
    return { total, count, capture, removed: captured.deleted };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // Not part of the run: the next one starts without this one's backup or its registry row.
    await client.query('DELETE FROM airlock.backups WHERE action_id = $1', [actionId]).catch(() => {});
    await client.query(`DROP TABLE IF EXISTS airlock_backup.${client.escapeIdentifier(actionId)}`).catch(() => {});
    client.release();
  }
}

type Arm = 'A' | 'B' | 'C';
const ARMS: Arm[] = ['A', 'B', 'C'];
/** Round n runs the arms rotated by n: A B C, B C A, C A B, … (each first, second and third equally often every 3 rounds; warm-ups count back from C A B). */
const orderOf = (n: number): Arm[] => ARMS.map((_, i) => ARMS[(((n + i) % ARMS.length) + ARMS.length) % ARMS.length]!);

try {
  await loadSqlParser();
  console.log(
    `cleanup thread (A) and its irreducible SQL (C) against a bare DELETE (B) on a ${ROWS.toLocaleString('en')}-row table; ${WARM_UP} warm-up round(s), then ${PAIRS} rounds per share, order rotating (A B C, B C A, C A B, …), the table rebuilt before every run; node ${process.version}`,
  );
  if (PAIRS % ARMS.length !== 0) console.log(`(${PAIRS} rounds is not a multiple of ${ARMS.length}: the arms are not first equally often; use --pairs 3, 6, …)`);
  console.log(
    'C is the thread\'s irreducible SQL alone: the dry-run\'s one-scan count, then the backup table and the DELETE … RETURNING that keeps the rows, in one transaction; no graph, checkpoint, audit or verify.',
  );
  console.log(
    `If C/B alone is above ${TARGET}×, the ${TARGET}× target cannot be met by any line that counts before approval and keeps a copy of the removed rows in the database.`,
  );
  const [, rebuildMs] = await timed(rebuild);
  console.log(`(one rebuild of the table: ${(rebuildMs / 1000).toFixed(1)} s, not timed in the runs)`);
  const summary: string[] = [];
  for (const share of SHARES) {
    const predicate = predicateFor(share);
    const planned = planCleanup(TABLE, predicate, 'delete');
    if (!planned.ok || !planned.value.change.oneScan) throw new Error(`the filter ${predicate} does not plan as a one-scan cleanup`);
    const plan = planned.value;
    console.log('');
    console.log(`share ${share}% (WHERE ${predicate})`);
    console.log('round  order   thread (A)   to pause   approve→end   floor (C)   count   capture   bare DELETE (B)   rows      A/B     C/B');
    const ratios: number[] = [];
    const floorRatios: number[] = [];
    const threads: number[] = [];
    const floors: number[] = [];
    const bares: number[] = [];
    const beyond: number[] = [];
    for (let pair = -WARM_UP; pair < PAIRS; pair++) {
      const order = orderOf(pair);
      let a: ThreadRun | undefined;
      let b: { total: number; removed: number } | undefined;
      let c: FloorRun | undefined;
      for (const which of order) {
        await rebuild();
        if (which === 'A') a = await cleanupThread(predicate);
        else if (which === 'B') b = await bareDelete(predicate);
        else c = await floorRun(plan);
      }
      if (a!.removed !== b!.removed || c!.removed !== b!.removed) {
        throw new Error(`A removed ${a!.removed} rows, B ${b!.removed} and C ${c!.removed}: not the same rows`);
      }
      const ratio = a!.total / b!.total;
      const floorRatio = c!.total / b!.total;
      const label = pair < 0 ? 'warm' : String(pair + 1);
      const ms = (value: number, width: number) => `${value.toFixed(0).padStart(width)} ms`;
      console.log(
        `${label.padEnd(6)} ${order.join(' ').padEnd(7)} ${ms(a!.total, 7)} ${ms(a!.toPause, 7)} ${ms(a!.toEnd, 9)} ${ms(c!.total, 7)} ${ms(c!.count, 4)} ${ms(
          c!.capture,
          5,
        )} ${ms(b!.total, 12)}      ${String(b!.removed).padEnd(9)} ${`${ratio.toFixed(2)}×`.padEnd(7)} ${floorRatio.toFixed(2)}×${pair < 0 ? '  (warm-up, not counted)' : ''}`,
      );
      if (pair < 0) continue;
      ratios.push(ratio);
      floorRatios.push(floorRatio);
      threads.push(a!.total);
      floors.push(c!.total);
      bares.push(b!.total);
      beyond.push(a!.total - c!.total);
    }
    console.log(`medians: thread ${median(threads).toFixed(0)} ms, floor ${median(floors).toFixed(0)} ms, bare DELETE ${median(bares).toFixed(0)} ms`);
    // What the thread pays beyond its floor (graph, checkpoints, audit, approval, verify), round by round.
    console.log(`thread beyond its floor (A − C): median ${median(beyond).toFixed(0)} ms (per round ${beyond.map((ms) => ms.toFixed(0)).join(' ')})`);
    const line = ratioLine(`share ${share}%: cleanup thread / bare DELETE`, ratios, `target ≤ ${TARGET}×`, (r) => `${r.toFixed(2)}×`);
    const floorLine = ratioLine(
      `share ${share}%: floor (C) / bare DELETE`,
      floorRatios,
      median(floorRatios) > TARGET ? `above ${TARGET}×: no such line can meet the target` : `the target's room left for the rest of the thread: ${(TARGET - median(floorRatios)).toFixed(2)}×`,
      (r) => `${r.toFixed(2)}×`,
    );
    console.log(line);
    console.log(floorLine);
    summary.push(line, floorLine);
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
