import { randomUUID } from 'node:crypto';
import { Command } from '@langchain/langgraph';
import { pipelineGraphsFor, type migrationGraph } from '../pipeline/graphs.ts';
import type { buildAgentGraph } from '../agent/agent-graph.ts';
import { isBadInput } from '../policy/classify.ts';
import { rulesOf } from '../policy/stored-classification.ts';
import type { ApprovalRequest } from '../contracts/approval-request.ts';
import type { ReviewResume } from '../contracts/review-resume.ts';
import { useAirlock } from '../runtime/airlock.ts';
import { AirlockError } from '../contracts/errors.ts';
import type { RunOutcome } from '../contracts/run-outcome.ts';

export { exitCodeFor, type RunOutcome } from '../contracts/run-outcome.ts';
import type { CleanupInput, ExecutionResult, MigrationInput, MigrationState } from '../contracts/migration-state.ts';
import type { BlastRadius } from '../contracts/blast-radius.ts';

let wiredAgentGraph: Promise<ReturnType<typeof buildAgentGraph>> | undefined;

/**
 * The agent's graph, wired to this module's own start functions: its
 * propose tools reach the migration and cleanup graphs through this port,
 * so nothing under tools/ imports the runner (no import cycle). Loaded when
 * first asked for: LangChain and the model client are not what `migrate`,
 * `approve` or `show` need.
 */
export function agentGraph(): Promise<ReturnType<typeof buildAgentGraph>> {
  wiredAgentGraph ??= import('../agent/agent-graph.ts').then(({ buildAgentGraph }) =>
    buildAgentGraph({
      migration: (input, threadId) => startMigration(input, threadId),
      cleanup: (input, threadId) => startCleanup(input, threadId),
    }),
  );
  return wiredAgentGraph;
}

export type GraphKind = 'migration' | 'cleanup' | 'agent';

/** Which graph a thread's values belong to: a cleanup carries its table and filter, an agent's thread its task. */
export function graphKindOf(values: Record<string, unknown>): GraphKind {
  if (values.task !== undefined) return 'agent';
  return values.table !== undefined || values.cleanup ? 'cleanup' : 'migration';
}

/** The part of a compiled graph the runner uses; both graphs share the state and the approve step. */
type ThreadGraph = ReturnType<typeof migrationGraph.compile>;

/**
 * A thread's graph, compiled with Airlock's checkpointer, its steps acting on
 * the world useAirlock() gives (the process's own, or a replay's).
 */
export async function compiledGraph(kind: GraphKind = 'migration'): Promise<ThreadGraph> {
  const airlock = await useAirlock();
  if (kind === 'agent') return (await agentGraph()).compile({ checkpointer: airlock.checkpointer }) as unknown as ThreadGraph;
  const graphs = pipelineGraphsFor(airlock);
  return kind === 'cleanup'
    ? (graphs.cleanup.compile({ checkpointer: airlock.checkpointer }) as unknown as ThreadGraph)
    : graphs.migration.compile({ checkpointer: airlock.checkpointer });
}

/** Is this an agent's thread (it carries the task)? Its history and resume use the agent graph. */
export async function isAgentThread(threadId: string): Promise<boolean> {
  const probe = await (await compiledGraph()).getState({ configurable: { thread_id: threadId } });
  return (probe.values as { task?: string }).task !== undefined;
}

/**
 * A thread's latest snapshot and the graph it belongs to, in one read when
 * it is a migration's (the probe is that graph's own snapshot); a cleanup's
 * or an agent's is read again with its own graph.
 */
async function threadSnapshot(threadId: string) {
  const config = { configurable: { thread_id: threadId } };
  const probeGraph = await compiledGraph();
  const probe = await probeGraph.getState(config);
  const kind = graphKindOf(probe.values as Record<string, unknown>);
  if (kind === 'migration') return { graph: probeGraph, snapshot: probe };
  const graph = await compiledGraph(kind);
  return { graph, snapshot: await graph.getState(config) };
}

/** The compiled graph a thread belongs to. */
export async function graphFor(threadId: string) {
  return (await threadSnapshot(threadId)).graph;
}

export function runConfig(threadId: string) {
  // Effects follow: every checkpoint is written before the next step starts.
  return { configurable: { thread_id: threadId }, durability: 'sync' as const };
}

export interface PendingInterrupt {
  id: string;
  request: ApprovalRequest;
}

/** What a thread's outcome is read from: its values, the interrupts it waits on, the steps still to run. */
interface ThreadView {
  values: MigrationState;
  interrupts: PendingInterrupt[];
  next: string[];
}

/** A thread's latest state and the interrupts it waits on (each an Airlock approval request); undefined: no such thread. */
export async function pendingInterrupts(threadId: string): Promise<ThreadView | undefined> {
  return (await pendingThread(threadId))?.view;
}

/** The same, with the graph the thread belongs to (a resume runs it without reading the state again). */
async function pendingThread(threadId: string): Promise<{ view: ThreadView; graph: ThreadGraph } | undefined> {
  const { graph, snapshot } = await threadSnapshot(threadId);
  if (!snapshot.createdAt) return undefined; // no checkpoint: no such thread
  const interrupts = snapshot.tasks.flatMap((task) =>
    (task.interrupts ?? []).map((entry) => ({ id: entry.id as string, request: entry.value as ApprovalRequest })),
  );
  return { view: { values: snapshot.values as MigrationState, interrupts, next: [...snapshot.next] }, graph };
}

/**
 * What a run that returned left behind, from invoke()'s own result: with
 * durability "sync" it returns only once the last checkpoint is written, so
 * its values are the checkpoint's. It either paused (its interrupts) or
 * reached the end (nothing next): a failed step throws instead of returning.
 * The outcome needs no read of the state after the run.
 */
function viewOfRun(result: unknown): ThreadView {
  const { __interrupt__: raised, ...values } = (result ?? {}) as { __interrupt__?: { id?: string; value?: unknown }[] } & Record<string, unknown>;
  const interrupts = (raised ?? []).map((entry) => ({ id: entry.id as string, request: entry.value as ApprovalRequest }));
  return { values: values as MigrationState, interrupts, next: [] };
}

export async function threadOutcome(threadId: string): Promise<RunOutcome> {
  const thread = await pendingInterrupts(threadId);
  if (!thread) throw noSuchThread(threadId);
  return outcomeOf(threadId, thread);
}

function noSuchThread(threadId: string): AirlockError {
  return new AirlockError(`No thread ${threadId}: thread ids are printed by "airlock migrate" and listed by "airlock inbox".`);
}

/** A thread's outcome from what it holds (read once, or the run's own result). */
function outcomeOf(threadId: string, thread: ThreadView): RunOutcome {
  const { values, interrupts, next } = thread;
  const classification = values.classification;
  const base = {
    thread_id: threadId,
    ...(classification ? { tier: classification.tier, rules: classification.statements.flatMap(rulesOf) } : {}),
    environment: values.resolvedEnvironment ?? values.environment,
    ...(values.reason ? { reason: values.reason } : {}),
    ...(values.blastRadius ? { blast_radius: values.blastRadius } : {}),
    ...(values.status === 'blocked' && values.refusalCode ? { refusal_code: values.refusalCode } : {}),
  };
  const [pending] = interrupts;
  if (pending) {
    return { ...base, status: 'pending_approval', approval_id: pending.request.approvalId, summary: pending.request.summary };
  }
  // Steps still to run (a crash between two steps) mean the thread has not ended, whatever its status says.
  const ended = next.length === 0 && values.status && values.status !== 'running' ? values.status : undefined;
  const unfinished = ended === undefined;
  const status = ended ?? (values.status === 'completed' ? 'completed' : 'failed');
  return {
    ...base,
    status,
    ...(unfinished
      ? {
          in_progress: true,
          reason: `the thread has not finished: it is running in another process, or it stopped part-way (see "airlock history ${threadId}")`,
        }
      : {}),
    ...(values.approval ? { approval_id: values.approval.approvalId } : {}),
    ...(values.result ? { result: values.result } : {}),
    // SQL that does not parse is bad input (exit 2) wherever it comes from: migrate, cleanup's filter, an agent's proposal.
    ...(status === 'blocked' && (isBadInput(classification) || values.refusalCode === 'parse-error' || !values.environment) ? { bad_input: true } : {}),
  };
}

/**
 * Start a migration thread; it runs until it completes, is blocked, fails, or
 * pauses for approval. A caller may name the thread (`--thread`), so that it
 * can find it again after a crash; a name already in use is refused.
 */
export async function startMigration(input: MigrationInput, threadId?: string): Promise<RunOutcome> {
  return startThread('migration', input, threadId ?? `mig-${randomUUID()}`, threadId !== undefined);
}

/** Start a cleanup thread: checked filter, dry-run with caps, approval, backup, delete. */
export async function startCleanup(input: CleanupInput, threadId?: string): Promise<RunOutcome> {
  return startThread('cleanup', input, threadId ?? `cln-${randomUUID()}`, threadId !== undefined);
}

/**
 * Run a new thread. A name the caller gave is looked up first (it may be in
 * use); a fresh random id cannot be, and is not. The outcome is the run's own
 * result: no read of the state after it.
 */
async function startThread(kind: GraphKind, input: MigrationInput | CleanupInput, threadId: string, named: boolean): Promise<RunOutcome> {
  const graph = await compiledGraph(kind);
  if (named) {
    const existing = await graph.getState({ configurable: { thread_id: threadId } });
    if (existing.createdAt) {
      throw new AirlockError(`thread ${threadId} already exists: use "airlock resume ${threadId}" to continue it, or pick another --thread`);
    }
  }
  return outcomeOf(threadId, viewOfRun(await graph.invoke(input, runConfig(threadId))));
}

/**
 * Continue a thread that stopped part-way (a crash, a restart) from its last
 * checkpoint. Steps already checkpointed are not run again; an effect that
 * committed without its checkpoint is found in the ledger and not redone.
 */
export async function resumeThread(threadId: string): Promise<RunOutcome & { resumed: boolean }> {
  const thread = await pendingThread(threadId);
  if (!thread) throw noSuchThread(threadId);
  const before = outcomeOf(threadId, thread.view);
  if (!before.in_progress) return { ...before, resumed: false };
  const result = await thread.graph.invoke(null, runConfig(threadId));
  return { ...outcomeOf(threadId, viewOfRun(result)), resumed: true };
}

/** The pending interrupt of `threadId` that asks about `approvalId`, if the thread still waits on it. */
export async function waitingInterrupt(threadId: string, approvalId: string): Promise<PendingInterrupt | undefined> {
  const thread = await pendingInterrupts(threadId);
  return thread?.interrupts.find((entry) => entry.request.approvalId === approvalId);
}

/**
 * Deliver a reviewer's decision to the thread waiting on `approvalId`.
 * Resumes by interrupt id, never with a bare value (a bare resume would answer
 * every pending interrupt at once). The state is read once, before: the
 * outcome after is the run's own result.
 */
export async function resumeWithDecision(threadId: string, approvalId: string, resume: ReviewResume): Promise<RunOutcome> {
  const thread = await pendingThread(threadId);
  if (!thread) throw noSuchThread(threadId);
  const waiting = thread.view.interrupts.find((entry) => entry.request.approvalId === approvalId);
  if (!waiting) return outcomeOf(threadId, thread.view);
  const result = await thread.graph.invoke(new Command({ resume: { [waiting.id]: resume } }), runConfig(threadId));
  return outcomeOf(threadId, viewOfRun(result));
}
