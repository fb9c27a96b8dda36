import { describe, expect, it } from 'vitest';
import { migrationGraph } from '../../graphs/migration.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { execute } from '../../src/pipeline/nodes/execute.ts';
import type { MigrationState } from '../../src/contracts/migration-state.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock((schema) => `CREATE TABLE ${schema}.counter (n int); INSERT INTO ${schema}.counter VALUES (0)`);

describe('the execute node and the ledger', () => {
  it('running the execute node again for the same thread and action does not run the effect again', async () => {
    const db = sandbox();
    const airlock = await useAirlock();
    const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
    const config = { configurable: { thread_id: `ledger-${db.schema}` }, durability: 'sync' as const };
    const state = (await compiled.invoke(
      { sql: `UPDATE ${db.schema}.counter SET n = n + 1 WHERE n >= 0`, environment: 'development', requestedBy: 'dev' },
      config,
    )) as MigrationState;
    expect(state.status).toBe('completed');
    expect((await db.query(`SELECT n FROM ${db.schema}.counter`)).rows).toEqual([{ n: 1 }]);

    // What LangGraph does after a crash between the commit and the checkpoint: run the node again.
    const rerun = await execute(state, config, airlock);
    expect(rerun).toMatchObject({ status: 'completed', result: { alreadyDone: true } });
    expect((await db.query(`SELECT n FROM ${db.schema}.counter`)).rows).toEqual([{ n: 1 }]);
  });
});
