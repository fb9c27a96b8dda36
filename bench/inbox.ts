/**
 * What a full inbox costs (issue 17, point 3): `airlock inbox --json` on a
 * state database with 10,000 pending and 100,000 decided approvals, against
 * the same command on an empty inbox, as whole CLI processes, alternating
 * A/B (the order flips each pair, so drift on a shared machine falls on both
 * sides), after a warm-up; and the first page's query time, from EXPLAIN
 * (ANALYZE, BUFFERS) of the exact query the store sends. No pass/fail: the
 * machine is shared, so it prints figures and the targets beside them.
 *
 *   npm run bench:inbox                 (embedded Postgres under a temporary AIRLOCK_HOME, or DATABASE_URL as admin)
 *   BENCH_PAIRS=9 npm run bench:inbox   (more or fewer pairs; 15 by default)
 *   BENCH_CLI=FILE npm run bench:inbox  (another build of the CLI to start with node; the bin by default)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { migrateStateSchema } from '../src/store/schema.ts';
import { inboxPage, inboxPageQuery } from '../src/store/approvals.ts';
import { fillApprovals } from './inbox-fill.ts';
import { median } from './figures.ts';

const PENDING = 10_000;
const DECIDED = 100_000;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 15);
const WARM_UP = 2;
const CLI = process.env.BENCH_CLI ?? path.resolve(import.meta.dirname, '../src/cli/airlock.js');
const TARGETS = { ratio: 1.2, firstPageMs: 20 };

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-inbox-'));
let started = false;
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  const server = await ensureEmbeddedPostgres(home);
  started = server.startedNow;
  adminUrl = server.url;
}
const admin = new pg.Client({ connectionString: adminUrl });
admin.on('error', () => {}); // a connection the server ends (DROP DATABASE … WITH (FORCE)) must not crash the run
await admin.connect();
const suffix = randomBytes(3).toString('hex');
const names = { full: `airlock_bench_inbox_full_${suffix}`, empty: `airlock_bench_inbox_empty_${suffix}` };
const urls: Record<keyof typeof names, string> = { full: '', empty: '' };
const pools: pg.Pool[] = [];

/** One `airlock inbox --json` process: its wall time and what it printed. */
function inbox(url: string): Promise<{ ms: number; json: { approvals: unknown[]; has_more: boolean }; bytes: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, AIRLOCK_HOME: home, CI: 'true' };
  delete env.TARGET_DATABASE_URL;
  const begun = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'inbox', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - begun) / 1e6;
      if (code !== 0) return reject(new Error(`airlock inbox exited ${code}: ${stderr}`));
      resolve({ ms, json: JSON.parse(stdout), bytes: Buffer.byteLength(stdout) });
    });
  });
}

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Sort Method'?: string; 'Sort Space Type'?: string; 'Sort Space Used'?: number; Plans?: PlanNode[] };
const nodesOf = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];

async function explain(db: pg.Pool, query: { text: string; values: unknown[] }) {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.text}`, query.values);
  const plan = rows[0]['QUERY PLAN'][0] as { Plan: PlanNode; 'Execution Time': number; 'Planning Time': number };
  const nodes = nodesOf(plan.Plan);
  const sorts = nodes.filter((node) => node['Node Type'].includes('Sort'));
  return {
    executionMs: plan['Execution Time'],
    planningMs: plan['Planning Time'],
    shape: nodes.map((node) => node['Node Type'] + (node['Index Name'] ? ` on ${node['Index Name']}` : '')).join(' → '),
    usesIndex: nodes.some((node) => node['Index Name'] === 'approvals_inbox_idx'),
    sort: sorts.length ? sorts.map((node) => `${node['Node Type']} (${node['Sort Method']}, ${node['Sort Space Type']} ${node['Sort Space Used']} kB)`).join(', ') : 'none',
  };
}

try {
  for (const key of ['full', 'empty'] as const) {
    await admin.query(`CREATE DATABASE ${names[key]}`);
    const url = new URL(adminUrl);
    url.pathname = `/${names[key]}`;
    urls[key] = url.toString();
    const pool = new pg.Pool({ connectionString: urls[key], max: 2 });
    pool.on('error', () => {});
    pools.push(pool);
    await migrateStateSchema(pool);
  }
  const full = pools[0]!;
  process.stdout.write(`filling: ${PENDING.toLocaleString('en')} pending and ${DECIDED.toLocaleString('en')} decided approvals… `);
  const fillStart = Date.now();
  await fillApprovals(full, { pending: PENDING, decided: DECIDED });
  await full.query('VACUUM ANALYZE airlock.approvals'); // as autovacuum leaves a table that has settled
  const { rows: size } = await full.query(
    `SELECT pg_size_pretty(pg_total_relation_size('airlock.approvals')) AS total,
            pg_size_pretty(sum(octet_length(action::text) + octet_length(sql))) AS pending_action_and_sql
       FROM airlock.approvals WHERE status = 'pending'`,
  );
  console.log(`${((Date.now() - fillStart) / 1000).toFixed(1)} s (table ${size[0].total}; the pending rows' action JSON and SQL: ${size[0].pending_action_and_sql})`);

  // The query the store sends, explained: first page, and a page from the middle.
  const firstPage = inboxPageQuery({ limit: 50 });
  const middle = (await full.query("SELECT to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at, approval_id FROM airlock.approvals WHERE status = 'pending' ORDER BY requested_at, approval_id OFFSET 5000 LIMIT 1")).rows[0];
  const laterPage = inboxPageQuery({ limit: 50, after: { requested_at: middle.at, approval_id: middle.approval_id } });
  const firstRuns = [];
  const laterRuns = [];
  for (let i = 0; i < 7; i++) {
    firstRuns.push(await explain(full, firstPage));
    laterRuns.push(await explain(full, laterPage));
  }
  // Before this change: every pending row, whole (SELECT *), sorted.
  const before = await explain(full, { text: "SELECT * FROM airlock.approvals WHERE status = 'pending' ORDER BY requested_at, approval_id", values: [] });
  const { rows: beforeBytes } = await full.query("SELECT pg_size_pretty(sum(pg_column_size(a.*))::bigint) AS bytes FROM airlock.approvals a WHERE status = 'pending'");
  const page = await inboxPage(full, { limit: 50 });

  console.log('');
  console.log('the first page\'s query (EXPLAIN (ANALYZE, BUFFERS) of inboxPageQuery, 7 runs)');
  console.log(`  first page:        ${median(firstRuns.map((r) => r.executionMs)).toFixed(3)} ms execution (median; planning ${median(firstRuns.map((r) => r.planningMs)).toFixed(3)} ms)   target: < ${TARGETS.firstPageMs} ms`);
  console.log(`    plan: ${firstRuns[0]!.shape}; uses approvals_inbox_idx: ${firstRuns[0]!.usesIndex ? 'yes' : 'NO'}; sort: ${firstRuns[0]!.sort}`);
  console.log(`  page after row 5,000: ${median(laterRuns.map((r) => r.executionMs)).toFixed(3)} ms execution (median)`);
  console.log(`    plan: ${laterRuns[0]!.shape}; uses approvals_inbox_idx: ${laterRuns[0]!.usesIndex ? 'yes' : 'NO'}; sort: ${laterRuns[0]!.sort}`);
  console.log(`  before (SELECT * of every pending row): ${before.executionMs.toFixed(1)} ms execution, ${beforeBytes[0].bytes} of rows; plan: ${before.shape}; sort: ${before.sort}`);
  console.log(`  a page holds ${page.approvals.length} rows, has_more: ${page.hasMore}`);

  // The same page read in this process, on a new connection each time as a CLI process opens
  // one: what the full inbox adds without the noise of starting node (query, rows, zod).
  const empty = pools[1]!;
  const inProcess = { full: [] as number[], empty: [] as number[] };
  const readOnce = async (db: pg.Pool) => {
    const client = new pg.Client({ connectionString: db === full ? urls.full : urls.empty });
    await client.connect();
    const begun = process.hrtime.bigint();
    const result = await inboxPage(client, { limit: 50 });
    JSON.stringify(result);
    const ms = Number(process.hrtime.bigint() - begun) / 1e6;
    await client.end();
    return ms;
  };
  for (let i = 0; i < 3; i++) await readOnce(full), await readOnce(empty);
  for (let pair = 0; pair < 25; pair++) {
    if (pair % 2) {
      inProcess.full.push(await readOnce(full));
      inProcess.empty.push(await readOnce(empty));
    } else {
      inProcess.empty.push(await readOnce(empty));
      inProcess.full.push(await readOnce(full));
    }
  }
  console.log(`  in this process, first page on a new connection (query, rows, zod, JSON), 25 pairs: full ${median(inProcess.full).toFixed(2)} ms, empty ${median(inProcess.empty).toFixed(2)} ms (medians); median of the pairs' differences ${median(inProcess.full.map((v, i) => v - inProcess.empty[i]!)).toFixed(2)} ms`);

  // Sanity, and the warm-up: each side prints what it should.
  const fullOnce = await inbox(urls.full);
  const emptyOnce = await inbox(urls.empty);
  if (fullOnce.json.approvals.length !== 50 || !fullOnce.json.has_more) throw new Error('the full inbox did not print a first page of 50 with more to come');
  if (emptyOnce.json.approvals.length !== 0) throw new Error('the empty inbox is not empty');
  for (let i = 1; i < WARM_UP; i++) {
    await inbox(urls.full);
    await inbox(urls.empty);
  }

  console.log('');
  console.log(`airlock inbox --json, whole process (${path.relative(process.cwd(), CLI) || CLI}), ${PAIRS} pairs after ${WARM_UP} warm-up runs each, alternating`);
  console.log(`  stdout: ${fullOnce.bytes.toLocaleString('en')} bytes on the full inbox (first page), ${emptyOnce.bytes} on the empty one`);
  console.log('  pair   empty (ms)   full (ms)   full − empty   ratio');
  const ratios: number[] = [];
  const emptyMs: number[] = [];
  const fullMs: number[] = [];
  for (let pair = 1; pair <= PAIRS; pair++) {
    let a: number;
    let b: number;
    if (pair % 2) {
      b = (await inbox(urls.empty)).ms;
      a = (await inbox(urls.full)).ms;
    } else {
      a = (await inbox(urls.full)).ms;
      b = (await inbox(urls.empty)).ms;
    }
    fullMs.push(a);
    emptyMs.push(b);
    ratios.push(a / b);
    console.log(`  ${String(pair).padStart(4)}   ${b.toFixed(0).padStart(10)}   ${a.toFixed(0).padStart(9)}   ${(a - b).toFixed(0).padStart(12)}   ${(a / b).toFixed(3)}`);
  }
  console.log(`  median ${median(emptyMs).toFixed(0).padStart(9)}   ${median(fullMs).toFixed(0).padStart(9)}   ${median(fullMs.map((v, i) => v - emptyMs[i]!)).toFixed(0).padStart(12)}   ${median(ratios).toFixed(3)}   (median of the pairs' ratios)`);
  console.log(`  target: full ≤ ${TARGETS.ratio}× empty; measured ${median(ratios).toFixed(3)}×`);
} finally {
  await Promise.all(pools.map((pool) => pool.end()));
  for (const name of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  await admin.end();
  if (started) await stopEmbeddedPostgres(home);
  fs.rmSync(home, { recursive: true, force: true });
}
