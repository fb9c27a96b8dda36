import fs from 'node:fs';
import path from 'node:path';
import { Command } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { graph, migrationGraph } from '../../graphs/migration.ts';
import { ApprovalRequest } from '../../src/contracts/approval-request.ts';
import { useAirlock } from '../../src/runtime/airlock.ts';
import { findApproval } from '../../src/store/approvals.ts';
import { inProcessAirlock } from '../helpers/in-process.ts';

const sandbox = inProcessAirlock((schema) => `CREATE TABLE ${schema}.t (id int); INSERT INTO ${schema}.t SELECT generate_series(1, 10)`);

async function pausedThread(sql: string) {
  const airlock = await useAirlock();
  const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
  const config = { configurable: { thread_id: `test-${Math.random().toString(36).slice(2)}` }, durability: 'sync' as const };
  const result = await compiled.invoke({ sql, environment: 'production', requestedBy: 'agent:bot' }, config);
  const interrupts = (result as any).__interrupt__ as { id: string; value: unknown }[];
  return { airlock, compiled, config, interrupts };
}

describe('the migration graph as LangGraph clients see it', () => {
  it('langgraph.json lists the migration graph, and it is a compiled graph with the line of nodes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../langgraph.json'), 'utf8'));
    expect(manifest.graphs.migration).toBe('./graphs/migration.ts:graph');
    expect(Object.keys(graph.nodes)).toEqual(expect.arrayContaining(['classify', 'permit', 'dryRun', 'approve', 'execute', 'verify', 'audit']));
  });

  it('pauses with a HITL payload (actionRequests/reviewConfigs) and resumes by interrupt id from an SDK-style client', async () => {
    const { airlock, compiled, config, interrupts } = await pausedThread(`DROP TABLE ${sandbox().schema}.t`);
    expect(interrupts).toHaveLength(1);
    const request = ApprovalRequest.parse(interrupts[0]!.value);
    expect(request.actionRequests[0]).toMatchObject({ name: 'run_sql', args: { sql: `DROP TABLE ${sandbox().schema}.t`, environment: 'production' } });
    expect(request.reviewConfigs).toEqual([{ actionName: 'run_sql', allowedDecisions: ['approve', 'edit', 'reject'] }]);
    expect(request).toMatchObject({ tier: 'destructive', tokenRequired: true, requestedBy: 'agent:bot' });
    expect(JSON.stringify(request)).not.toContain((await findApproval(airlock.databases.state, request.approvalId))!.confirmation_token);

    // A wrong token is refused inside the graph too: it asks again, and nothing runs.
    const refused = await compiled.invoke(
      new Command({ resume: { [interrupts[0]!.id]: { decisions: [{ type: 'approve' }], reviewer: 'bob', token: 'nope' } } }),
      config,
    );
    const again = (refused as any).__interrupt__ as { id: string; value: ApprovalRequest }[];
    expect(again[0]!.value.refused).toMatch(/does not match/);
    expect(await sandbox().tableExists('t')).toBe(true);
    expect((await findApproval(airlock.databases.state, request.approvalId))!.status).toBe('pending');

    const token = (await findApproval(airlock.databases.state, request.approvalId))!.confirmation_token;
    const done = await compiled.invoke(
      new Command({ resume: { [again[0]!.id]: { decisions: [{ type: 'approve' }], reviewer: 'bob', token } } }),
      config,
    );
    expect(done).toMatchObject({ status: 'completed', approval: { status: 'approved', decidedBy: 'bob' } });
    expect(await sandbox().tableExists('t')).toBe(false);
    expect((await findApproval(airlock.databases.state, request.approvalId))!).toMatchObject({ status: 'approved', decided_by: 'bob', outcome: 'completed' });
  });

  it("accepts Agent Inbox's legacy HumanResponse list: ignore rejects, and nothing runs", async () => {
    const { airlock, compiled, config, interrupts } = await pausedThread(`DELETE FROM ${sandbox().schema}.t WHERE id = 1`);
    const done = await compiled.invoke(
      new Command({ resume: { [interrupts[0]!.id]: [{ type: 'ignore', args: { reviewer: 'carol' } }] } }),
      config,
    );
    expect(done).toMatchObject({ status: 'rejected', approval: { status: 'rejected', decidedBy: 'carol' } });
    expect(await sandbox().count('t')).toBe(10);
    const request = ApprovalRequest.parse(interrupts[0]!.value);
    expect((await findApproval(airlock.databases.state, request.approvalId))!.status).toBe('rejected');
  });

  it('an agent identity can never approve, even from an SDK client', async () => {
    const { airlock, compiled, config, interrupts } = await pausedThread(`DELETE FROM ${sandbox().schema}.t WHERE id = 1`);
    const request = ApprovalRequest.parse(interrupts[0]!.value);
    const token = (await findApproval(airlock.databases.state, request.approvalId))!.confirmation_token;
    const result = await compiled.invoke(
      new Command({ resume: { [interrupts[0]!.id]: { decisions: [{ type: 'approve' }], reviewer: 'agent:bot2', token } } }),
      config,
    );
    expect((result as any).__interrupt__[0].value.refused).toMatch(/agents can never approve/);
    expect(await sandbox().count('t')).toBe(10);
  });

  it('a malformed resume value is refused, audited, and asked again; nothing runs', async () => {
    const { airlock, compiled, config, interrupts } = await pausedThread(`DELETE FROM ${sandbox().schema}.t WHERE id = 1`);
    const result = await compiled.invoke(new Command({ resume: { [interrupts[0]!.id]: { approve: 'yes please' } } }), config);
    expect((result as any).__interrupt__[0].value.refused).toMatch(/the resume value is not \{decisions/);
    expect(await sandbox().count('t')).toBe(10);
    const { rows } = await airlock.databases.state.query(
      "SELECT outcome, message FROM airlock.audit WHERE thread_id = $1 AND outcome = 'refused'",
      [config.configurable.thread_id],
    );
    expect(rows).toHaveLength(1);
  });

  it('a client cannot lift the caps by claiming its SQL is an undo: undoOf counts only for the exact undo of a real backup', async () => {
    const airlock = await useAirlock();
    const compiled = migrationGraph.compile({ checkpointer: airlock.checkpointer });
    const config = { configurable: { thread_id: `test-${Math.random().toString(36).slice(2)}` }, durability: 'sync' as const };
    // 200 rows: above the small-table floor (100), where a share over the cap blocks outright.
    await sandbox().query(`INSERT INTO ${sandbox().schema}.t SELECT generate_series(11, 200)`);
    const result = await compiled.invoke(
      { sql: `DELETE FROM ${sandbox().schema}.t WHERE id <= 190`, environment: 'production', requestedBy: 'agent:bot', undoOf: 'act_000000000000' },
      config,
    );
    expect(result).toMatchObject({ status: 'blocked', blastRadius: { rows: 190, table_rows: 200, pct: 95 } });
    expect((result as any).reason).toMatch(/blast-radius-cap/);
    expect(await sandbox().count('t')).toBe(200);
  });
});
