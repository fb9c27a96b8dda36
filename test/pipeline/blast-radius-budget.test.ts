import { beforeAll, describe, expect, it } from 'vitest';
import { measureBlastRadius } from '../../src/pipeline/blast-radius.ts';
import { describeRadius } from '../../src/policy/blast-radius.ts';
import { planCleanup } from '../../src/policy/cleanup-request.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { loadSqlParser } from '../../src/sql/parse-sql.ts';
import { startCleanup } from '../../src/threads/migration-runner.ts';
import { loadApproval } from '../../src/threads/load-approval.ts';
import { review } from '../../src/threads/review.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';
import { writePolicy } from '../helpers/policy-file.ts';

// Issue 17, point 4: the dry-run's exact count is one scan of the table (the
// filter's count beside the total). The budget still holds: past it, the
// planner's figures are used and say so, and execution holds an approved
// estimate to the DELETE's exact count.

const ROWS = 200_000;
const sandbox = inProcessAirlock(
  (schema) => `
  CREATE TABLE ${schema}.events (id int PRIMARY KEY, v int NOT NULL, payload text);
  INSERT INTO ${schema}.events SELECT n, n % 1000, md5(n::text) FROM generate_series(1, ${ROWS}) n;
  ANALYZE ${schema}.events;`,
);

beforeAll(async () => {
  await loadSqlParser();
  // A budget no exact count of this table fits in, and a row cap the estimate is under.
  process.env.AIRLOCK_POLICY = writePolicy({
    environments: {
      production: {
        tiers: { read: 'allow', write: { approve: {} }, destructive: { approve: { token: true } } },
        blastRadius: { maxRows: 1000, maxPercent: 50, countBudgetMs: 1 },
      },
    },
  });
});

function changeOf(predicate: string) {
  const plan = planCleanup(`${sandbox().schema}.events`, predicate);
  if (!plan.ok) throw new Error(plan.refusal.message);
  return plan.value.change;
}

/** Measure in a read-only transaction, as the dry-run does; with the sequential scans this transaction made of the table. */
async function measured(predicate: string, budgetMs: number) {
  const airlock = await useAirlock();
  const client = await airlock.databases.target.connect();
  try {
    await client.query('BEGIN READ ONLY');
    // One backend, so that every scan is counted in this transaction's statistics.
    await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
    const radius = await measureBlastRadius(client, changeOf(predicate), { budgetMs, statementTimeout: '5min', label: 'test' });
    const { rows } = await client.query<{ scans: string }>('SELECT pg_stat_get_xact_numscans($1::regclass) AS scans', [`${sandbox().schema}.events`]);
    return { radius, scans: Number(rows[0]!.scans) };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}

describe('the dry-run counts in one scan, within its budget', () => {
  it('within the budget: exact figures, and the table is read once for both counts (plus the LIMIT 5 sample)', async () => {
    const { radius, scans } = await measured('v < 10', 60_000);
    expect(radius).toMatchObject({ rows: 2000, table_rows: ROWS, pct: 1, estimated: false });
    expect(radius.samples).toHaveLength(5);
    expect(scans).toBe(2);
  });

  it('past the budget: the planner’s figures, marked as an estimate, never a count of zero', async () => {
    const { radius } = await measured('v < 10', 1);
    expect(radius.estimated).toBe(true);
    expect(radius.rows).toBeGreaterThan(0);
    expect(radius.table_rows).toBeGreaterThanOrEqual(radius.rows);
    expect(describeRadius(radius)).toMatch(/^about \d+ of \d+ rows .*estimated by EXPLAIN$/);
  });

  it('an estimate approved, then more rows match: the DELETE’s own count is not "about" the approved one, so nothing is deleted and it asks again', async () => {
    const paused = await startCleanup({ table: `${sandbox().schema}.events`, predicate: 'v < 1', mode: 'delete', environment: 'production', requestedBy: 'dev' });
    expect(paused.status, paused.reason).toBe('pending_approval');
    expect(paused.blast_radius).toMatchObject({ estimated: true });
    expect(paused.blast_radius!.rows).toBeLessThan(1000);
    await sandbox().query(`UPDATE ${sandbox().schema}.events SET v = 0 WHERE id <= 600`);
    const approval = await loadApproval(paused.approval_id!);
    const again = await review(paused.approval_id!, { type: 'approve', reviewer: 'alice', token: approval.confirmation_token });
    // 800 rows match now: the new dry-run shows them (still an estimate past the budget, from execution's exact count).
    expect(again.status, again.reason).toBe('pending_approval');
    expect(again.blast_radius).toMatchObject({ rows: 800 });
    expect(await sandbox().count('events')).toBe(ROWS);
  });
});
