import type pg from 'pg';

/**
 * Run `work` in one transaction on one client of `pool`: what a step writes
 * (its rows and their audit entries) commits once, or not at all; or, for
 * an error `commitWhen` accepts (a pause: interrupt() throws), commits what
 * was written and rethrows.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { commitWhen?: (error: unknown) => boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    // A stop that is not a failure (LangGraph's interrupt() throws to pause): what was written stays.
    if (options.commitWhen?.(error)) await client.query('COMMIT');
    else await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
