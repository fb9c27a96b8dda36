import { randomBytes } from 'node:crypto';
import { Command, MemorySaver } from '@langchain/langgraph';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../src/contracts/approval-request.ts';
import type { MigrationState } from '../../src/contracts/migration-state.ts';
import { MAX_REFUSED_DECISIONS, TOO_MANY_REFUSED_DECISIONS } from '../../src/pipeline/approve/screen-decision.ts';
import { buildMigrationGraph } from '../../src/pipeline/graphs.ts';
import { execute } from '../../src/pipeline/nodes/execute.ts';
import { findApproval } from '../../src/store/approvals.ts';
import { auditTrail } from '../../src/store/audit.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { handClock, handMadeDeps } from '../helpers/pipeline-deps.ts';

/**
 * The pipeline's steps on a hand-made world: the suite's real Postgres for
 * Airlock's tables and the target, LangGraph's in-memory checkpointer (what
 * is tested here is the line of steps, not surviving a crash), and a clock
 * the test moves itself.
 */
const time = handClock();
const deps = handMadeDeps({ clock: time });
let db: Sandbox;

beforeEach(async () => {
  time.set(new Date('2027-03-01T09:00:00Z'));
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int); INSERT INTO ${db.schema}.t SELECT generate_series(1, 10)`);
});
afterEach(() => db.close());

type Interrupted = MigrationState & { __interrupt__?: { id: string; value: ApprovalRequest }[] };

async function pausedDelete() {
  const graph = buildMigrationGraph(deps()).compile({ checkpointer: new MemorySaver() });
  const threadId = `mem-${randomBytes(5).toString('hex')}`;
  const config = { configurable: { thread_id: threadId } };
  const paused = (await graph.invoke({ sql: `DELETE FROM ${db.schema}.t WHERE id <= 3`, environment: 'production', requestedBy: 'dev' }, config)) as Interrupted;
  const pending = paused.__interrupt__![0]!;
  const token = (await findApproval(deps().databases.state, pending.value.approvalId))!.confirmation_token;
  const answer = (id: string, value: unknown) => graph.invoke(new Command({ resume: { [id]: value } }), config) as Promise<Interrupted>;
  return { graph, config, threadId, pending, token, answer };
}

describe('the migration graph on an in-memory checkpointer, with deps made by hand', () => {
  it('a DELETE on production pauses; approved with its token, it runs once and the thread completes', async () => {
    const { threadId, pending, token, answer } = await pausedDelete();
    expect(pending.value).toMatchObject({ environment: 'production', requestedBy: 'dev' });
    expect(await db.count('t')).toBe(10);
    const done = await answer(pending.id, { decisions: [{ type: 'approve' }], reviewer: 'bob', token });
    expect(done).toMatchObject({ status: 'completed', approval: { status: 'approved', decidedBy: 'bob' }, result: { statements: [{ command: 'DELETE', rowCount: 3 }] } });
    expect(await db.count('t')).toBe(7);
    const trail = (await auditTrail(deps().databases.state, threadId)).map((entry) => `${entry.step}:${entry.outcome}`);
    expect(trail).toEqual(expect.arrayContaining(['approve:pending_approval', 'approve:approved', 'execute:started', 'execute:completed', 'audit:completed']));
  });

  it("past the policy's TTL by the deps' own clock, an approval with the right token is rejected as expired; nothing runs", async () => {
    const { pending, token, answer } = await pausedDelete();
    time.advanceHours(73);
    const done = await answer(pending.id, { decisions: [{ type: 'approve' }], reviewer: 'bob', token });
    expect(done).toMatchObject({ status: 'rejected', approval: { status: 'rejected', decidedBy: 'airlock', reason: 'expired' } });
    expect(await db.count('t')).toBe(10);
    expect((await findApproval(deps().databases.state, pending.value.approvalId))!.decided_at).toEqual(new Date('2027-03-04T10:00:00Z'));
  });

  it(`asks again after a refused answer, at most ${MAX_REFUSED_DECISIONS} times; then Airlock rejects it with a code, and nothing runs`, async () => {
    const { threadId, pending, answer } = await pausedDelete();
    let waiting = pending;
    let last: Interrupted | undefined;
    for (let attempt = 1; attempt <= MAX_REFUSED_DECISIONS; attempt++) {
      last = await answer(waiting.id, { approve: 'yes please' });
      if (attempt === MAX_REFUSED_DECISIONS) break;
      const next = last.__interrupt__?.[0];
      expect(next?.value.refused, `attempt ${attempt}`).toMatch(/the resume value is not \{decisions/);
      waiting = next!;
    }
    expect(last!.__interrupt__ ?? []).toEqual([]);
    expect(last).toMatchObject({
      status: 'rejected',
      refusalCode: TOO_MANY_REFUSED_DECISIONS,
      approval: { status: 'rejected', decidedBy: 'airlock' },
      reason: expect.stringMatching(new RegExp(`^rejected by airlock: ${MAX_REFUSED_DECISIONS} decisions in a row were refused`)),
    });
    expect(await db.count('t')).toBe(10);
    expect((await findApproval(deps().databases.state, pending.value.approvalId))!).toMatchObject({ status: 'rejected', decided_by: 'airlock' });
    const trail = (await auditTrail(deps().databases.state, threadId)).map((entry) => `${entry.step}:${entry.outcome}`);
    expect(trail.filter((entry) => entry === 'approve:refused')).toHaveLength(MAX_REFUSED_DECISIONS);
    expect(trail).toEqual(expect.arrayContaining(['approve:rejected', 'audit:rejected']));
    expect(trail).not.toContain('execute:started');
  });

  it('the execute step called by itself with the same deps: the state alone is no approval, and nothing runs', async () => {
    const { graph, config } = await pausedDelete();
    const { values } = await graph.getState(config);
    const state = { ...(values as MigrationState), approval: { approvalId: 'apr-forged', status: 'approved' as const, decidedBy: 'mallory' } };
    const outcome = await execute(state, config, deps());
    expect(outcome).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/no approval of it was recorded/) });
    expect(await db.count('t')).toBe(10);
  });
});
