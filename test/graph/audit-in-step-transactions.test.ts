import { Command } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { migrationGraph } from '../../graphs/migration.ts';
import { idempotencyKeyFor } from '../../src/policy/action-identity.ts';
import { execute } from '../../src/pipeline/nodes/execute.ts';
import type { MigrationState } from '../../src/contracts/migration-state.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { findApproval } from '../../src/store/approvals.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock((schema) => `CREATE TABLE ${schema}.t (id int); INSERT INTO ${schema}.t SELECT generate_series(1, 10)`);

/** The transaction that last wrote a row (xmin): two rows with one xmin committed together. */
async function writerOf(table: string, column: string, value: string): Promise<string> {
  const airlock = await useAirlock();
  const { rows } = await airlock.databases.state.query(`SELECT xmin::text AS xid FROM airlock.${table} WHERE ${column} = $1`, [value]);
  expect(rows).toHaveLength(1);
  return rows[0].xid;
}

describe("audit entries commit in the transaction of the step they describe", () => {
  it('the approval row and its entry, the decision and its entry, the effect and its entry, the outcome and its entry: each pair one commit', async () => {
    const airlock = await useAirlock();
    const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
    const threadId = `in-step-${sandbox().schema}`;
    const config = { configurable: { thread_id: threadId }, durability: 'sync' as const };
    const paused = (await compiled.invoke({ sql: `DROP TABLE ${sandbox().schema}.t`, environment: 'development', requestedBy: 'agent:bot' }, config)) as unknown as {
      __interrupt__: { id: string; value: { approvalId: string } }[];
    };
    const { id, value } = paused.__interrupt__[0]!;
    const approvalId = value.approvalId;
    // The pause: the approvals row and the "requested" entry.
    expect(await writerOf('audit', 'event_key', `${approvalId}:requested`)).toBe(await writerOf('approvals', 'approval_id', approvalId));

    const token = (await findApproval(airlock.databases.state, approvalId))!.confirmation_token;
    const done = (await compiled.invoke(new Command({ resume: { [id]: { decisions: [{ type: 'approve' }], reviewer: 'bob', token } } }), config)) as MigrationState;
    expect(done.status).toBe('completed');
    expect(await sandbox().tableExists('t')).toBe(false);

    // The effect: the ledger row (and the drop) and the "completed" entry.
    const key = idempotencyKeyFor(threadId, done.actionHash!);
    expect(await writerOf('audit', 'event_key', `${key}:execute`)).toBe(await writerOf('ledger', 'idempotency_key', key));
    // The end: the approval's outcome and the closing entry (the row's last writer).
    expect(await writerOf('audit', 'event_key', `${threadId}:outcome:${done.actionHash}`)).toBe(await writerOf('approvals', 'approval_id', approvalId));
    expect((await findApproval(airlock.databases.state, approvalId))!).toMatchObject({ status: 'approved', outcome: 'completed' });

    // The execute step run again (a crash between its commit and its checkpoint): no second effect, no second entry.
    const rerun = await execute(done, config, airlock);
    expect(rerun).toMatchObject({ status: 'completed', result: { alreadyDone: true } });
    const { rows } = await airlock.databases.state.query('SELECT count(*)::int AS n FROM airlock.audit WHERE event_key = $1', [`${key}:execute`]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('a rejection decided in the graph (no CLI before it) is written once, in order, and nothing runs', async () => {
    const airlock = await useAirlock();
    const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
    const config = { configurable: { thread_id: `in-step-reject-${sandbox().schema}` }, durability: 'sync' as const };
    const paused = (await compiled.invoke({ sql: `DROP TABLE ${sandbox().schema}.t`, environment: 'development', requestedBy: 'agent:bot' }, config)) as unknown as {
      __interrupt__: { id: string; value: { approvalId: string } }[];
    };
    const { id, value } = paused.__interrupt__[0]!;
    const done = (await compiled.invoke(new Command({ resume: { [id]: { decisions: [{ type: 'reject', message: 'not today' }], reviewer: 'carol' } } }), config)) as MigrationState;
    expect(done.status).toBe('rejected');
    const { rows } = await airlock.databases.state.query(`SELECT step, outcome FROM airlock.audit WHERE approval_id = $1 ORDER BY audit_id`, [value.approvalId]);
    expect(rows).toEqual([
      { step: 'approve', outcome: 'pending_approval' },
      { step: 'approve', outcome: 'rejected' },
      { step: 'audit', outcome: 'rejected' },
    ]);
    expect(await sandbox().tableExists('t')).toBe(true);
  });
  it("a step with no transaction of its own (classify, permit, dry-run, verify) commits its entry with its own checkpoint writes; elsewhere it is written at once", async () => {
    const airlock = await useAirlock();
    const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
    const threadId = `in-step-writes-${sandbox().schema}`;
    const config = { configurable: { thread_id: threadId }, durability: 'sync' as const };
    // A DELETE: the dry-run counts it (and audits what it measured).
    const first = (await compiled.invoke({ sql: `DELETE FROM ${sandbox().schema}.t WHERE id <= 3`, environment: 'development', requestedBy: 'agent:bot' }, config)) as unknown as {
      __interrupt__?: { id: string; value: { approvalId: string } }[];
    };
    const pending = first.__interrupt__?.[0];
    if (pending) {
      const token = (await findApproval(airlock.databases.state, pending.value.approvalId))!.confirmation_token;
      await compiled.invoke(new Command({ resume: { [pending.id]: { decisions: [{ type: 'approve' }], reviewer: 'bob', token } } }), config);
    }
    expect(await sandbox().count('t')).toBe(7);
    const db = airlock.databases.state;
    const xidsOf = async (sql: string, thread = threadId) => (await db.query(sql, [thread])).rows.map((row) => row.xid as string);
    const writes = new Set(await xidsOf(`SELECT DISTINCT xmin::text AS xid FROM airlock.checkpoint_writes WHERE thread_id = $1`));
    const seen = new Set<string>();
    for (const step of ['classify', 'permit', 'dry-run', 'verify']) {
      const [xid, ...more] = await xidsOf(`SELECT xmin::text AS xid FROM airlock.audit WHERE thread_id = $1 AND step = '${step}'`);
      expect(more, step).toEqual([]);
      // Committed by the transaction that wrote that step's checkpoint writes, and by no other step's.
      expect(writes.has(xid!), `${step}'s entry commits with checkpoint writes`).toBe(true);
      expect(seen.has(xid!), `${step}'s transaction is its own`).toBe(false);
      seen.add(xid!);
    }
    // Each written once, in the line's order.
    const trail = (await db.query(`SELECT step FROM airlock.audit WHERE thread_id = $1 ORDER BY audit_id`, [threadId])).rows.map((row) => row.step);
    expect(trail.filter((step) => ['classify', 'permit', 'dry-run', 'verify'].includes(step))).toEqual(['classify', 'permit', 'dry-run', 'verify']);

    // Without durability "sync" (LangGraph might not write each task's writes before going on), the entry is written at once.
    const asyncThread = `${threadId}-async`;
    await compiled.invoke({ sql: 'SELECT 1', environment: 'development', requestedBy: 'dev' }, { configurable: { thread_id: asyncThread }, durability: 'async' as const });
    const [classified] = await xidsOf(`SELECT xmin::text AS xid FROM airlock.audit WHERE thread_id = $1 AND step = 'classify'`, asyncThread);
    expect(classified).toBeDefined();
    const asyncWrites = new Set(await xidsOf(`SELECT DISTINCT xmin::text AS xid FROM airlock.checkpoint_writes WHERE thread_id = $1`, asyncThread));
    expect(asyncWrites.has(classified!)).toBe(false);
  });
});
