import { randomBytes } from 'node:crypto';
import { Command } from '@langchain/langgraph';
import { AirlockSaver } from '../store/checkpoint-saver.ts';
import type pg from 'pg';
import type { ThreadExport } from '../contracts/thread-export.ts';
import { useAirlock, withAirlock, type Airlock } from '../runtime/airlock.ts';
import { checkReachable, describeUrl, openPool } from '../runtime/database.ts';
import { AirlockError, ExitCode, badInput, describeDatabaseError } from '../contracts/errors.ts';
import { compiledGraph, pendingInterrupts, runConfig, threadOutcome, type RunOutcome } from './migration-runner.ts';
import { loadApproval } from './load-approval.ts';
import { screenDecision } from './review.ts';
import { AIRLOCK_SCHEMA, ensureLedgerSchema, migrateStateSchema } from '../store/schema.ts';
import { decodeTyped } from './thread-export.ts';
import { clockStartingAt } from '../policy/clock.ts';
import { importApprovals } from '../store/approvals.ts';

export interface ReplayOptions {
  /** Resume the recorded pause with this decision; without one, only load it and report where it stands. */
  decision?: 'approve' | 'reject';
  /** Who decides (the policy's reviewer rules apply). */
  reviewer?: string;
  reason?: string;
  /** Run the effects for real against this database; without it they run in a transaction that is rolled back. */
  targetUrl?: string;
  /** Keep the scratch database afterwards (for a post-mortem), instead of dropping it. */
  keep?: boolean;
  /**
   * The time the decision is made at ("what if the reviewer had answered
   * then"). Without it, the time the recording was taken: a replay judges
   * expiry, and everything else that reads the clock, as the recording saw it.
   */
  at?: Date;
}

export interface ReplayOutcome extends RunOutcome {
  replay: {
    recorded_thread: string;
    graph: string;
    recorded_with: ThreadExport['recorded_with'];
    /** The scratch database that held the replayed thread's state. */
    state_database: string;
    kept: boolean;
    target: string;
    effects: 'rolled back' | 'committed' | 'none';
    decision: string | null;
    /** The time the replayed decision was judged at: the recording's (exported_at), or --at. */
    decided_at: string;
    /** The graph's nodes that ran during the replay, in order: nothing before the recorded checkpoint runs again. */
    nodes_run: string[];
  };
}

const REPLAY_REVIEWER = 'replay';

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Write the recorded checkpoints, oldest first, and the writes pending on each, into a fresh checkpointer. */
async function importCheckpoints(checkpointer: AirlockSaver, exported: ThreadExport): Promise<void> {
  const threadId = exported.thread_id;
  for (const saved of exported.checkpoints) {
    const checkpoint = (await decodeTyped(checkpointer.serde, saved.checkpoint)) as Parameters<AirlockSaver['put']>[1];
    const parent = {
      configurable: {
        thread_id: threadId,
        checkpoint_ns: saved.checkpoint_ns,
        ...(saved.parent_checkpoint_id ? { checkpoint_id: saved.parent_checkpoint_id } : {}),
      },
    };
    // Every channel's blob is stored with this checkpoint: nothing depends on the versions a fork would compute.
    await checkpointer.put(parent, checkpoint, saved.metadata as Parameters<AirlockSaver['put']>[2], checkpoint.channel_versions);
    const config = { configurable: { thread_id: threadId, checkpoint_ns: saved.checkpoint_ns, checkpoint_id: saved.checkpoint_id } };
    const byTask = new Map<string, [string, unknown][]>();
    for (const write of saved.pending_writes) {
      const writes = byTask.get(write.task_id) ?? [];
      writes.push([write.channel, await decodeTyped(checkpointer.serde, write.value)]);
      byTask.set(write.task_id, writes);
    }
    for (const [taskId, writes] of byTask) await checkpointer.putWrites(config, writes, taskId);
  }
}

async function createScratchDatabase(live: Airlock): Promise<{ name: string; url: string }> {
  const name = `airlock_replay_${randomBytes(5).toString('hex')}`;
  try {
    await live.databases.state.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    throw new AirlockError(
      `replay needs a scratch database on ${describeUrl(live.databases.stateUrl)}, and creating one failed (${describeDatabaseError(error)}): grant CREATEDB to Airlock's user, or replay on the embedded database (unset DATABASE_URL)`,
      ExitCode.failed,
    );
  }
  return { name, url: databaseUrl(live.databases.stateUrl, name) };
}

/**
 * Replay a recorded thread: load its checkpoints into a scratch database of
 * its own (never into Airlock's live state, and a fresh one per replay, so
 * two replays of one recording cannot share checkpoint data: LangGraph JS
 * issue #1812), then resume the recorded pause with the given decision.
 * Nodes that completed before the checkpoint do not run again. The effects
 * run against `targetUrl` when one is named, otherwise against the live
 * target inside a transaction that is rolled back.
 */
export async function replayExport(exported: ThreadExport, options: ReplayOptions = {}): Promise<ReplayOutcome> {
  const live = await useAirlock();
  const decidedAt = replayTime(exported, options);
  const scratch = await createScratchDatabase(live);
  const state = openPool(scratch.url);
  let target: pg.Pool | undefined;
  try {
    await migrateStateSchema(state);
    if (options.targetUrl) {
      target = openPool(options.targetUrl);
      await checkReachable(target, options.targetUrl, '--target');
      await ensureLedgerSchema(target);
    }
    const checkpointer = new AirlockSaver(state, AIRLOCK_SCHEMA);
    await importCheckpoints(checkpointer, exported);
    await importApprovals(state, exported.approvals);
    const targetUrl = options.targetUrl ?? live.databases.targetUrl;
    const world: Airlock = {
      settings: live.settings,
      // Time as the recording saw it, advancing from there: never today's date.
      clock: clockStartingAt(decidedAt, live.clock),
      // A replay is not news: no alert webhook fires for it.
      policy: { ...live.policy, policy: { ...live.policy.policy, alerts: undefined } },
      checkpointer,
      databases: {
        state,
        target: target ?? live.databases.target,
        stateUrl: scratch.url,
        targetUrl,
        targetIdentity: describeUrl(targetUrl),
        embedded: undefined,
      },
      replay: { rollbackEffects: !options.targetUrl },
    };
    const nodesRun: string[] = [];
    const outcome = await withAirlock(world, async () => {
      if (options.decision) await resumeRecorded(exported, { ...options, at: decidedAt, atGiven: Boolean(options.at) }, nodesRun);
      return threadOutcome(exported.thread_id);
    });
    return {
      ...outcome,
      replay: {
        recorded_thread: exported.thread_id,
        graph: exported.graph,
        recorded_with: exported.recorded_with,
        state_database: scratch.name,
        kept: options.keep ?? false,
        target: describeUrl(targetUrl),
        effects: outcome.result && !outcome.result.alreadyDone ? (outcome.result.rolledBack ? 'rolled back' : 'committed') : 'none',
        decision: options.decision ?? null,
        decided_at: decidedAt.toISOString(),
        nodes_run: nodesRun,
      },
    };
  } finally {
    await state.end().catch(() => {});
    await target?.end().catch(() => {});
    if (!options.keep) await live.databases.state.query(`DROP DATABASE IF EXISTS ${scratch.name} WITH (FORCE)`).catch(() => {});
  }
}

/**
 * When the replayed decision is made: --at, else the moment the recording was
 * taken. Never before the recorded action was requested: no decision can
 * precede its request.
 */
function replayTime(exported: ThreadExport, options: ReplayOptions): Date {
  const recorded = new Date(exported.exported_at);
  if (Number.isNaN(recorded.getTime())) throw badInput(`the recording's exported_at "${exported.exported_at}" is not a time: re-record it with "airlock export THREAD"`);
  const at = options.at ?? recorded;
  const requested = exported.approvals.map((approval) => new Date(approval.requested_at)).filter((time) => !Number.isNaN(time.getTime()));
  const earliest = requested.length ? new Date(Math.max(...requested.map((time) => time.getTime()))) : undefined;
  if (options.at && earliest && at < earliest) {
    throw badInput(`--at ${at.toISOString()} is before the recorded action was requested (${earliest.toISOString()}): pass a time after it (nothing was replayed)`);
  }
  return at;
}

/** Answer the recorded pause the way a reviewer would: the same checks as "airlock approve", by interrupt id. */
async function resumeRecorded(exported: ThreadExport, options: ReplayOptions & { atGiven?: boolean }, nodesRun: string[]): Promise<void> {
  const threadId = exported.thread_id;
  const graph = await compiledGraph(exported.graph);
  const thread = await pendingInterrupts(threadId);
  const pending = thread?.interrupts[0];
  if (!pending) {
    const ended = thread?.values.status ?? 'unknown';
    throw badInput(`the recorded thread ${threadId} is not waiting for a decision (it ${thread?.next.length ? 'stopped part-way' : `ended ${ended}`}): replay it without --decision to see it`);
  }
  const approvalId = pending.request?.approvalId;
  if (!approvalId) throw badInput(`the recorded thread ${threadId} waits on something that is not an Airlock approval: it cannot be replayed with --decision`);
  const approval = await loadApproval(approvalId);
  const reviewer = options.reviewer ?? REPLAY_REVIEWER;
  const request = {
    type: options.decision!,
    reviewer,
    token: approval.confirmation_token,
    ...(options.reason ? { reason: options.reason } : {}),
  };
  const screening = await screenDecision(approval, request);
  if (screening.kind === 'refused') {
    if (screening.refusal.code === 'approval-expired') {
      const when = options.atGiven ? `at --at ${options.at!.toISOString()}` : `when the recording was taken (${exported.exported_at})`;
      throw badInput(
        `the replayed decision was refused: ${screening.refusal.message}. It had already expired ${when}; pass --at with a time before its expiry to ask what would have happened had the reviewer answered in time`,
      );
    }
    throw badInput(`the replayed decision was refused: ${screening.refusal.message}; pass --as a reviewer the policy accepts`);
  }
  const resume = {
    decisions: [options.decision === 'approve' ? { type: 'approve' as const } : { type: 'reject' as const, message: options.reason ?? 'rejected in a replay' }],
    reviewer,
    token: approval.confirmation_token,
  };
  const stream = await graph.stream(new Command({ resume: { [pending.id]: resume } }), {
    ...runConfig(threadId),
    streamMode: 'updates' as const,
  });
  for await (const update of stream) nodesRun.push(...Object.keys(update as Record<string, unknown>));
}
