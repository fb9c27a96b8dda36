import type pg from 'pg';
import yoctoSpinner from 'yocto-spinner';
import { percentOf, type BlastRadius } from '../policy/blast-radius.ts';

const SAMPLE_ROWS = 5;
const SAMPLE_COLUMNS = 6;
/** A count that takes longer than this shows a spinner (on a terminal only). */
const PROGRESS_AFTER_MS = 300;
export const DEFAULT_COUNT_BUDGET_MS = 2000;

/** What to measure: the rows of `table` that `from … where` picks. */
export interface Measurement {
  /** The table whose rows are affected, schema-qualified and quoted. */
  table: string;
  /** The FROM list of the measuring SELECT: the table (maybe with an alias), and for a join its other tables. */
  from: string;
  /** How the FROM list names the table: its alias, or the table itself. */
  ref: string;
  where: string | undefined;
  /** DELETE … USING / UPDATE … FROM: count the table's rows once each, not once per joined row. */
  join?: boolean;
  /** A WITH clause the filter refers to. */
  withClause?: string;
}

const QUERY_CANCELED = '57014';

function isCanceled(error: unknown): boolean {
  return (error as { code?: string }).code === QUERY_CANCELED;
}

async function inSavepoint<T>(client: pg.PoolClient, budgetMs: number, restoreTimeout: string, work: () => Promise<T>): Promise<T | undefined> {
  await client.query('SAVEPOINT airlock_measure');
  await client.query("SELECT set_config('statement_timeout', $1, true)", [`${Math.max(1, Math.round(budgetMs))}ms`]);
  try {
    const value = await work();
    await client.query('RELEASE SAVEPOINT airlock_measure');
    return value;
  } catch (error) {
    if (!isCanceled(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT airlock_measure');
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
 * Measure what an action would touch, inside the caller's read-only
 * transaction (which the caller rolls back): EXPLAIN first, then an exact
 * count within `budgetMs`. When the exact count would take longer, the
 * planner's figures are used and the result says `estimated`.
 */
export async function measureBlastRadius(
  client: pg.PoolClient,
  target: Measurement,
  options: { budgetMs: number; statementTimeout: string; label: string },
): Promise<BlastRadius> {
  const started = Date.now();
  const withSql = target.withClause ? `${target.withClause} ` : '';
  const filter = target.where ? ` WHERE (${target.where})` : '';
  const matching = `${withSql}SELECT ${target.join ? `DISTINCT ${target.ref}.ctid` : '1'} FROM ${target.from}${filter}`;
  const estimate = { rows: await plannedRows(client, matching), table_rows: await plannedRows(client, `SELECT 1 FROM ${target.table}`) };
  const progress = spinnerFor(options.label, estimate.rows, options.budgetMs);
  let exact: { rows: number; table_rows: number } | undefined;
  try {
    exact = await inSavepoint(client, options.budgetMs, options.statementTimeout, async () => {
      const { rows } = await client.query<{ rows: string; table_rows: string }>(
        `SELECT (SELECT count(*) FROM (${matching}) AS matching) AS rows, (SELECT count(*) FROM ${target.table}) AS table_rows`,
      );
      return { rows: Number(rows[0]!.rows), table_rows: Number(rows[0]!.table_rows) };
    });
  } finally {
    progress.stop();
  }
  const counted = exact ?? { rows: estimate.rows, table_rows: Math.max(estimate.table_rows, estimate.rows) };
  // Samples are bounded by the same budget: a rare filter on a huge table may need a long scan to find five.
  const sampleSql = target.join
    ? `${withSql}SELECT * FROM ${target.table} WHERE ctid IN (SELECT ${target.ref}.ctid FROM ${target.from}${filter}) LIMIT ${SAMPLE_ROWS}`
    : `${withSql}SELECT ${target.ref}.* FROM ${target.from}${filter} LIMIT ${SAMPLE_ROWS}`;
  const samples = (await inSavepoint(client, options.budgetMs, options.statementTimeout, () => client.query(sampleSql)))?.rows ?? [];
  return {
    ...counted,
    pct: percentOf(counted.rows, counted.table_rows),
    estimated: exact === undefined,
    samples: samples.map((row) => Object.fromEntries(Object.entries(row).slice(0, SAMPLE_COLUMNS))),
    duration_ms: Date.now() - started,
  };
}
