import { describe, expect, it } from 'vitest';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { READER_ROLE, withReadOnly } from '../../src/agent/read-only.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock((schema) => `CREATE TABLE ${schema}.users (id int PRIMARY KEY); INSERT INTO ${schema}.users SELECT generate_series(1, 10)`);

describe("the agent read tools' connection cannot write", () => {
  it('runs as airlock_reader in a READ ONLY transaction with a statement timeout', async () => {
    const seen = await withReadOnly(async (client, role) => {
      const { rows } = await client.query(`SELECT current_user AS who, current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS timeout`);
      return { role, ...rows[0] };
    });
    expect(seen).toEqual({ role: READER_ROLE, who: READER_ROLE, ro: 'on', timeout: '5s' });
  });

  it('a write is refused even if it got past every check above it, and the table is unchanged', async () => {
    const { schema } = sandbox();
    await expect(withReadOnly((client) => client.query(`DELETE FROM ${schema}.users`))).rejects.toThrow(/read-only transaction/);
    // Without the READ ONLY transaction, the role alone still cannot write.
    const client = await (await useAirlock()).databases.target.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${READER_ROLE}`);
      await expect(client.query(`DELETE FROM ${schema}.users`)).rejects.toThrow(/permission denied/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await sandbox().count('users')).toBe(10);
  });

  it('it can read every table', async () => {
    const { schema } = sandbox();
    const { rows } = await withReadOnly((client) => client.query(`SELECT count(*)::int AS n FROM ${schema}.users`));
    expect(rows).toEqual([{ n: 10 }]);
  });
});
