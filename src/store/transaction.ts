import type pg from 'pg';

/**
 * Run `work` in one transaction on one client of `pool`: what a step writes
 * (its rows and their audit entries) commits once, or not at all. A step
 * that must keep its writes even as it stops (an interrupt() thrown inside)
 * calls this around the writes only, never around the pause.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
