/**
 * What Airlock's safety costs on a cleanup: dry-run (exact count) + backup of
 * the affected rows + delete, beside a bare DELETE of the same rows, on a
 * 1M-row table (10M with BENCH_LARGE=1), for 0.1%, 5% and 50% of the rows.
 * Every run happens in a transaction that is rolled back, so the table stays
 * the same for the next one. Prints its figures:
 *
 *   npm run bench:blast-radius          (embedded Postgres under a temporary AIRLOCK_HOME, or DATABASE_URL)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describeRadius } from '../src/policy/blast-radius.ts';
import { fingerprintOf } from '../src/pipeline/backup.ts';
import { DEFAULT_COUNT_BUDGET_MS, measureBlastRadius } from '../src/pipeline/blast-radius.ts';
import { planCleanup } from '../src/policy/cleanup-request.ts';
import { loadSqlParser } from '../src/sql/parse-sql.ts';

await loadSqlParser();
/** The measuring queries the dry-run builds for a cleanup of the bench table (from the parse tree). */
function changeOf(predicate: string) {
  const plan = planCleanup('airlock_bench.items', predicate);
  if (!plan.ok) throw new Error(plan.refusal.message);
  return plan.value.change;
}
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { migrateStateSchema } from '../src/store/schema.ts';

const ROWS = process.env.BENCH_LARGE === '1' ? 10_000_000 : 1_000_000;
const SHARES: [label: string, predicate: string][] = [
  ['0.1%', 'v < 1'],
  ['5%', 'v < 50'],
  ['50%', 'v < 500'],
];

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

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

try {
  process.stdout.write(`loading ${ROWS.toLocaleString('en')} rows… `);
  const [, loadMs] = await timed(async () => {
    await client.query('DROP SCHEMA IF EXISTS airlock_bench CASCADE; CREATE SCHEMA airlock_bench');
    await client.query(
      `CREATE TABLE airlock_bench.items AS SELECT n AS id, (n % 1000)::int AS v, md5(n::text) AS payload FROM generate_series(1, ${ROWS}) n`,
    );
    await client.query('ALTER TABLE airlock_bench.items ADD PRIMARY KEY (id); ANALYZE airlock_bench.items');
  });
  console.log(`${(loadMs / 1000).toFixed(1)} s`);
  console.log('');
  console.log('share   rows       dry-run   backup    delete    airlock total   bare DELETE   ratio');
  for (const [label, predicate] of SHARES) {
    // Airlock's way: the dry-run node's own measurement (EXPLAIN, then an exact count within the
    // 2 s budget, else the estimate), in its read-only transaction; then backup + delete together.
    await client.query('BEGIN READ ONLY');
    const [radius, dryRunMs] = await timed(() =>
      measureBlastRadius(
        client,
        changeOf(predicate),
        { budgetMs: DEFAULT_COUNT_BUDGET_MS, statementTimeout: '10min', label: `dry-run ${label}` },
      ),
    );
    await client.query('ROLLBACK');
    const rows = radius.rows;
    await client.query('BEGIN');
    // The backup as the execute node takes it: the copy, then its fingerprint (what undo checks it against).
    const [, backupMs] = await timed(async () => {
      await client.query(`CREATE TABLE airlock_backup.bench_copy AS SELECT * FROM airlock_bench.items WHERE (${predicate})`);
      await fingerprintOf(client, 'airlock_backup.bench_copy');
    });
    const [, deleteMs] = await timed(() => client.query(`DELETE FROM airlock_bench.items WHERE (${predicate})`));
    await client.query('ROLLBACK');
    // The bare DELETE, as a script without Airlock would run it.
    await client.query('BEGIN');
    const [, bareMs] = await timed(() => client.query(`DELETE FROM airlock_bench.items WHERE (${predicate})`));
    await client.query('ROLLBACK');
    const total = dryRunMs + backupMs + deleteMs;
    console.log(
      `${label.padEnd(7)} ${String(rows).padEnd(10)} ${dryRunMs.toFixed(0).padStart(5)} ms  ${backupMs.toFixed(0).padStart(5)} ms  ${deleteMs
        .toFixed(0)
        .padStart(5)} ms  ${total.toFixed(0).padStart(9)} ms    ${bareMs.toFixed(0).padStart(7)} ms   ${(total / bareMs).toFixed(2)}×   (${describeRadius(radius)})`,
    );
  }
  console.log('');
  console.log(
    `target: an exact dry-run count under 2 s on 10M rows, or an estimate clearly marked (this run: ${ROWS.toLocaleString('en')} rows; BENCH_LARGE=1 for 10M)`,
  );
} finally {
  await client.query('DROP SCHEMA IF EXISTS airlock_bench CASCADE').catch(() => {});
  client.release();
  await pool.end();
  if (started) await stopEmbeddedPostgres(home);
  fs.rmSync(home, { recursive: true, force: true });
}
