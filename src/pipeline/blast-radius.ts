import type pg from 'pg';
import yoctoSpinner from 'yocto-spinner';
import { percentOf } from '../policy/blast-radius.ts';
import type { RowChange } from '../policy/row-change.ts';
import type { BlastRadius } from '../contracts/blast-radius.ts';

const SAMPLE_ROWS = 5;
const SAMPLE_COLUMNS = 6;
/** A count that takes longer than this shows a spinner (on a terminal only). */
const PROGRESS_AFTER_MS = 300;
export const DEFAULT_COUNT_BUDGET_MS = 2000;

const QUERY_CANCELED = '57014';

function isCanceled(error: unknown): boolean {
  return (error as { code?: string }).code === QUERY_CANCELED;
}

// statement_timeout is an int of milliseconds: a larger budget is no budget at all (and Postgres refuses it).
const MAX_TIMEOUT_MS = 2_147_483_647;

async function inSavepoint<T>(client: pg.PoolClient, budgetMs: number, restoreTimeout: string, work: () => Promise<T>): Promise<T | undefined> {
  await client.query('SAVEPOINT airlock_measure');
  await client.query("SELECT set_config('statement_timeout', $1, true)", [`${Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.round(budgetMs)))}ms`]);
  try {
    const value = await work();
    await client.query('RELEASE SAVEPOINT airlock_measure');
    return value;
  } catch (error) {
    // Back to the savepoint first, whatever failed: otherwise the next query only says "transaction is aborted".
    await client.query('ROLLBACK TO SAVEPOINT airlock_measure');
    if (!isCanceled(error)) throw error;
    return undefined;
  } finally {
    await client.query("SELECT set_config('statement_timeout', $1, true)", [restoreTimeout]);
  }
}

/** The planner's row estimate for a query (EXPLAIN without running it). */
async function plannedRows(client: pg.PoolClient, query: string): Promise<number> {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) ${query}`);
  return Math.round(rows[0]!['QUERY PLAN'][0].Plan['Plan Rows']);
}

function spinnerFor(label: string, estimate: number, budgetMs: number): { stop: () => void } {
  const started = Date.now();
  let spinner: ReturnType<typeof yoctoSpinner> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const text = () =>
    `${label}: counting exactly… ${((Date.now() - started) / 1000).toFixed(1)} s of a ${(budgetMs / 1000).toFixed(1)} s budget (about ${estimate.toLocaleString('en')} rows by EXPLAIN)`;
  const timer = process.stderr.isTTY
    ? setTimeout(() => {
        spinner = yoctoSpinner({ text: text(), stream: process.stderr }).start();
        ticker = setInterval(() => spinner && (spinner.text = text()), 100);
      }, PROGRESS_AFTER_MS)
    : undefined;
  return {
    stop() {
      clearTimeout(timer);
      clearInterval(ticker);
      spinner?.stop();
    },
  };
}

/**
 * The exact figures, in one statement under the caller's budget: one scan of
 * the table for a filter on it (`count(*) FILTER (WHERE …)` beside the
 * total), else each arm's count and then the total.
 */
async function exactCounts(client: pg.PoolClient, change: RowChange): Promise<{ arms: number[]; table_rows: number }> {
  if (change.oneScan) {
    const { rows } = await client.query<{ rows: string; table_rows: string }>(change.oneScan);
    return { arms: [Number(rows[0]!.rows)], table_rows: Number(rows[0]!.table_rows) };
  }
  const arms = [];
  for (const arm of change.arms) arms.push(Number((await client.query<{ rows: string }>(arm.count)).rows[0]!.rows));
  const { rows } = await client.query<{ rows: string }>(change.tableRows);
  return { arms, table_rows: Number(rows[0]!.rows) };
}

/**
 * Measure what a statement that changes rows would touch, inside the caller's
 * read-only transaction (which the caller rolls back): EXPLAIN first, then the
 * exact counts within `budgetMs` (one scan for a plain DELETE or UPDATE; each
 * arm, MERGE clause or ON CONFLICT, on its own otherwise). When
 * the exact counts would take longer, the planner's figures are used and the
 * result says `estimated`. Every query here was built from the parse tree
 * (row-change.ts), never from the user's text. `rows` is what the statement
 * removes or overwrites (deleted + updated); inserted rows are reported per arm.
 */
export async function measureBlastRadius(
  client: pg.PoolClient,
  change: RowChange,
  options: { budgetMs: number; statementTimeout: string; label: string },
): Promise<BlastRadius> {
  const started = Date.now();
  const planned = [];
  for (const arm of change.arms) planned.push(await plannedRows(client, arm.matching));
  const plannedTable = await plannedRows(client, change.tableScan);
  const destroying = (rows: number[]) => change.arms.reduce((sum, arm, index) => sum + (arm.action === 'insert' ? 0 : rows[index]!), 0);
  const progress = spinnerFor(options.label, destroying(planned), options.budgetMs);
  let exact: { arms: number[]; table_rows: number } | undefined;
  try {
    exact = await inSavepoint(client, options.budgetMs, options.statementTimeout, () => exactCounts(client, change));
  } finally {
    progress.stop();
  }
  const perArm = exact?.arms ?? planned;
  const rows = destroying(perArm);
  const tableRows = exact ? exact.table_rows : Math.max(plannedTable, rows);
  // Samples are bounded by the same budget: a rare filter on a huge table may need a long scan to find five.
  const samples = (await inSavepoint(client, options.budgetMs, options.statementTimeout, () => client.query(change.sample)))?.rows ?? [];
  const simple = change.arms.length === 1 && change.kind !== 'MergeStmt';
  return {
    rows,
    table_rows: tableRows,
    pct: percentOf(rows, tableRows),
    estimated: exact === undefined,
    samples: samples.map((row) => Object.fromEntries(Object.entries(row).slice(0, SAMPLE_COLUMNS))),
    duration_ms: Date.now() - started,
    ...(simple ? {} : { arms: change.arms.map((arm, index) => ({ action: arm.action, label: arm.label, rows: perArm[index]! })) }),
  };
}
