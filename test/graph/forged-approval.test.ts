import { Command } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { migrationGraph } from '../../graphs/migration.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { findApproval } from '../../src/store/approvals.ts';
import { auditTrail } from '../../src/store/audit.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock((schema) => `CREATE TABLE ${schema}.t (id int); INSERT INTO ${schema}.t SELECT generate_series(1, 10)`);

async function pausedDrop() {
  const airlock = await useAirlock();
  const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
  const threadId = `forged-${Math.random().toString(36).slice(2)}`;
  const config = { configurable: { thread_id: threadId }, durability: 'sync' as const };
  const paused = await compiled.invoke({ sql: `DROP TABLE ${sandbox().schema}.t`, environment: 'production', requestedBy: 'dev' }, config);
  const [pending] = (paused as any).__interrupt__ as { id: string; value: { approvalId: string } }[];
  return { airlock, compiled, config, threadId, approvalId: pending!.value.approvalId };
}

describe('an approval written into the graph state is not an approval', () => {
  it('state edited as if the approve node had approved: execute refuses, the table stays, the approval is still pending', async () => {
    const { airlock, compiled, config, threadId, approvalId } = await pausedDrop();
    await compiled.updateState(config, { approval: { approvalId, status: 'approved', decidedBy: 'mallory' } }, 'approve');
    const after = await compiled.invoke(null, config);
    expect(after).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/its approval apr-\w+ is pending, not approved/) });
    expect(await sandbox().tableExists('t')).toBe(true);
    expect((await findApproval(airlock.databases.state, approvalId))!.status).toBe('pending');
    const trail = await auditTrail(airlock.databases.state, threadId);
    expect(trail.map((entry) => `${entry.step}:${entry.outcome}`)).toContain('execute:blocked');
    expect(trail.map((entry) => `${entry.step}:${entry.outcome}`)).not.toContain('execute:started');
  });

  it('the permission rewritten to "allow" (as if the policy needed no approval): execute asks the policy again, and refuses', async () => {
    const { airlock, compiled, config, threadId, approvalId } = await pausedDrop();
    const state = await compiled.getState(config);
    const permission = (state.values as any).permission;
    expect(permission.decision).not.toBe('allow');
    await compiled.updateState(config, { permission: { ...permission, decision: 'allow' } }, 'permit');
    const after = await compiled.invoke(null, config);
    expect((after as any).status).not.toBe('completed');
    expect(await sandbox().tableExists('t')).toBe(true);
    expect((await findApproval(airlock.databases.state, approvalId))!.status).toBe('pending');
    const trail = await auditTrail(airlock.databases.state, threadId);
    expect(trail.map((entry) => `${entry.step}:${entry.outcome}`)).not.toContain('execute:started');
  });

  it('the classification rewritten to a read, with the permission to match: the SQL is classified again, and refused', async () => {
    const { compiled, config } = await pausedDrop();
    const values = (await compiled.getState(config)).values as any;
    const classification = values.classification;
    const asRead = { ...classification, tier: 'read', statements: classification.statements.map((verdict: object) => ({ ...verdict, tier: 'read', rules: [], findings: [] })) };
    await compiled.updateState(config, { classification: asRead, permission: { ...values.permission, decision: 'allow' } }, 'permit');
    const after = await compiled.invoke(new Command({ goto: 'execute' }), config);
    expect(after).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/destructive at execution, but it was checked as read/) });
    expect(await sandbox().tableExists('t')).toBe(true);
  });

  it('Command.goto execute, past the approval: refused the same way', async () => {
    const { compiled, config } = await pausedDrop();
    const after = await compiled.invoke(new Command({ goto: 'execute' }), config);
    expect(after).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/no approval of it was recorded/) });
    expect(await sandbox().tableExists('t')).toBe(true);
  });

  it("another action's approval does not carry over to edited SQL", async () => {
    const { airlock, compiled, config, approvalId } = await pausedDrop();
    const token = (await findApproval(airlock.databases.state, approvalId))!.confirmation_token;
    // Swap the SQL in the state, then approve the original action properly.
    await compiled.updateState(config, { sql: `DROP TABLE ${sandbox().schema}.t; SELECT 1` }, 'dryRun');
    const state = await compiled.getState(config);
    const pending = state.tasks.flatMap((task) => task.interrupts ?? [])[0];
    const after = pending
      ? await compiled.invoke(new Command({ resume: { [pending.id as string]: { decisions: [{ type: 'approve' }], reviewer: 'alice', token } } }), config)
      : await compiled.invoke(null, config);
    expect((after as any).status).not.toBe('completed');
    expect(await sandbox().tableExists('t')).toBe(true);
  });

  it("a statement's text written into the state does not run: each statement runs as its slice of the approved SQL", async () => {
    const airlock = await useAirlock();
    const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
    const config = { configurable: { thread_id: `forged-text-${Math.random().toString(36).slice(2)}` }, durability: 'sync' as const };
    const sql = `CREATE INDEX t_id ON ${sandbox().schema}.t (id)`;
    await compiled.invoke({ sql, environment: 'production', requestedBy: 'dev' }, config);
    // A client rewrites the verdict (whole, as checkpoints used to keep it) with a DROP TABLE as its text.
    const before = await compiled.getState(config);
    const classification = (before.values as any).classification;
    const forged = {
      ...classification,
      statements: classification.statements.map((verdict: object) => ({ rules: [], findings: [], reasons: [], ...verdict, text: `DROP TABLE ${sandbox().schema}.t` })),
    };
    await compiled.updateState(config, { classification: forged }, 'dryRun');
    // The approve step runs again on the forged state, and asks.
    const asked = (await compiled.invoke(null, config)) as unknown as { __interrupt__: { id: string; value: unknown }[] };
    const pending = asked.__interrupt__[0]!;
    const approvalId = (pending.value as { approvalId: string }).approvalId;
    const approval = (await findApproval(airlock.databases.state, approvalId))!;
    expect(approval.sql).toBe(sql);
    const after = await compiled.invoke(
      new Command({ resume: { [pending.id as string]: { decisions: [{ type: 'approve' }], reviewer: 'alice', token: approval.confirmation_token } } }),
      config,
    );
    expect((after as any).__interrupt__?.[0]?.value?.refused).toBeUndefined();
    expect(after).toMatchObject({ status: 'completed' });
    // What ran is what was approved: the index is there, and so is the table.
    expect(await sandbox().tableExists('t')).toBe(true);
    expect(await sandbox().tableExists('t_id')).toBe(true);
  });
});
