/**
 * How fast the classify step is: statements classified per second on a mix of
 * reads, writes, destructive and forbidden SQL. Prints its figures; run with
 * `npm run bench`.
 */
import { classifySql } from '../src/policy/classify.ts';
import { loadSqlParser } from '../src/policy/parse-sql.ts';

const MIX = [
  'SELECT id, email FROM users WHERE created_at > now() - interval \'1 day\'',
  'UPDATE users SET name = \'x\' WHERE id = 42',
  'DELETE FROM sessions',
  'WITH gone AS (DELETE FROM users WHERE id < 10 RETURNING *) SELECT count(*) FROM gone',
  'DROP TABLE legacy_sessions',
  'ALTER TABLE users ADD COLUMN age int',
  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity',
  'SELECT 1; COMMIT; DROP TABLE users',
];

await loadSqlParser();
const rounds = Number(process.argv[2] ?? 20_000);
for (let i = 0; i < 1000; i++) classifySql(MIX[i % MIX.length]!); // warm up

const before = process.memoryUsage().heapUsed;
const started = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) classifySql(MIX[i % MIX.length]!);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;

console.log(`classified ${rounds} texts in ${seconds.toFixed(2)} s: ${Math.round(rounds / seconds)} texts/s per core`);
console.log(`heap growth over the run: ${heapMb.toFixed(1)} MiB`);
