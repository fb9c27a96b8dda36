/**
 * Point 1 of the "fast line" issue: how long a CLI command takes as a whole
 * process, through the bin as a user runs it, with the database up, against
 * `node -e ''` measured in the same run.
 *
 *   npm run bench:cli-start [-- --pairs 9]
 *
 * For each command: one warm-up of each, then PAIRS pairs, A (airlock) and B
 * (node -e '') in turn, so that a machine that slows down slows both. It
 * prints the medians, each pair's ratio A/B and their median, and the
 * issue's targets beside them (≤ 0.35 s wall median, ≤ 4× node -e ''). It
 * judges nothing: on a shared machine only the ratios mean much.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './figures.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '9' } } });
const PAIRS = Number(values.pairs);
if (!Number.isInteger(PAIRS) || PAIRS < 1 || PAIRS > 100) {
  console.error('bench:cli-start: --pairs must be a whole number from 1 to 100');
  process.exit(2);
}

const BIN = path.resolve(import.meta.dirname, '../src/cli/airlock.js');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bench-cli-'));
const env = { ...process.env, AIRLOCK_HOME: home, CI: 'true' };

function run(args: string[]): { ms: number; code: number | null; stdout: string; stderr: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function airlock(args: string[]) {
  const result = run([BIN, ...args]);
  if (result.code !== 0 && result.code !== 3) throw new Error(`airlock ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result;
}

try {
  // The database up, and one pending approval for `show`.
  const select = path.join(home, 'select.sql');
  const drop = path.join(home, 'drop.sql');
  fs.writeFileSync(select, 'SELECT 1;\n');
  fs.writeFileSync(drop, 'DROP TABLE IF EXISTS bench_never_there;\n');
  if (!process.env.DATABASE_URL) airlock(['db', 'url']);
  const paused = JSON.parse(airlock(['migrate', drop, '--env', 'development', '--json']).stdout) as { approval_id: string };

  const commands: [string, string[]][] = [
    ['--version', ['--version']],
    ['check (one line)', ['check', select, '--env', 'development']],
    ['inbox', ['inbox']],
    ['show', ['show', paused.approval_id]],
    ['migrate (a SELECT)', ['migrate', select, '--env', 'development']],
  ];

  console.log(`node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${PAIRS} pairs after one warm-up each`);
  console.log('command               airlock median   node -e median   ratio median (min–max)   targets: ≤ 350 ms, ≤ 4×');
  for (const [name, args] of commands) {
    airlock(args);
    run(['-e', '']);
    const a: number[] = [];
    const b: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const ta = airlock(args).ms;
      const tb = run(['-e', '']).ms;
      a.push(ta);
      b.push(tb);
      ratios.push(ta / tb);
    }
    const ratio = median(ratios);
    console.log(
      `${name.padEnd(20)}  ${median(a).toFixed(0).padStart(8)} ms   ${median(b).toFixed(0).padStart(10)} ms   ${ratio.toFixed(2).padStart(8)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})   ${
        median(a) <= 350 ? 'within 350 ms' : 'over 350 ms'
      }, ${ratio <= 4 ? 'within 4×' : 'over 4×'}`,
    );
  }
} finally {
  if (!process.env.DATABASE_URL) spawnSync(process.execPath, [BIN, 'db', 'stop'], { env });
  fs.rmSync(home, { recursive: true, force: true });
}
