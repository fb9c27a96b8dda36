import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { z } from 'zod';
import type { Classification, StoredClassification } from '../contracts/classification.ts';
import type { MigrationState } from '../contracts/migration-state.ts';
import { restoredClassification, storedClassification } from '../policy/stored-classification.ts';
import { loadSqlParser } from '../sql/parse-sql.ts';
import { channelsOf, wholeInputOf } from './graph-schemas.ts';
import { resolveDeps, type DepsSource, type Step } from './deps.ts';
import { approve } from './nodes/approve.ts';
import { audit } from './nodes/audit.ts';
import { classify } from './nodes/classify.ts';
import { dryRun } from './nodes/dry-run.ts';
import { execute } from './nodes/execute.ts';
import { permit } from './nodes/permit.ts';
import { verify } from './nodes/verify.ts';

/**
 * One builder for the migration and cleanup graphs, so that their routing is
 * written once (it was written twice, and the copies drifted: the cleanup's
 * had no way back after an edit, and an edited cleanup ended "running").
 *
 * request ─► checks… ─► dryRun ─► approve ─► execute ─► verify ─► audit
 *              ▲  │        │ ▲      │  │       │
 *              │ block   block└─────┼──┼───────┘ rows changed since approval: measure again, ask again
 *              │      (over the cap)│  reject
 *              └──────── edit ──────┘  (the edited action is checked from the first check on)
 *
 * The checks are the graph's own first steps: the migration's are classify
 * and permit; the cleanup's start with prepare (its table and filter become
 * one checked DELETE). Each may block, which ends the thread at audit.
 */

/** A step of a graph: its node name (what checkpoints, history and Studio show) and its function. */
export interface PipelineStep {
  name: string;
  run: Step;
}

export interface PipelineSpec {
  /** The graph's state: the migration state, or the migration state plus the cleanup's own input. */
  state: z.ZodObject;
  /** What a caller gives the graph. */
  input: z.ZodObject;
  /** The steps before classify (the cleanup's prepare); none for a migration. */
  before?: PipelineStep[];
}

/** The checks every action passes, in order, before its blast radius is measured. */
const CHECKS: PipelineStep[] = [
  { name: 'classify', run: classify },
  { name: 'permit', run: permit },
];

/** A check that blocked ends the thread (audit says why); otherwise on to the next step. */
export function continueUnlessBlocked(next: string) {
  return (state: MigrationState): string => (state.status === 'blocked' ? 'audit' : next);
}

/** Over the cap (blocked): end. What the policy allows outright skips the approval. */
export function routeAfterDryRun(state: MigrationState): 'approve' | 'execute' | 'audit' {
  if (state.status === 'blocked') return 'audit';
  return state.permission?.decision === 'allow' ? 'execute' : 'approve';
}

/** Approved: run it. Edited: check the edited action from the first check on. Rejected: end. */
export function routeAfterApprove(firstCheck: string) {
  return (state: MigrationState): string => {
    if (state.approval?.status === 'edited') return firstCheck;
    return state.approval?.status === 'approved' ? 'execute' : 'audit';
  };
}

/** The rows changed between approval and execution: measure again, and ask again. */
export function routeAfterExecute(state: MigrationState): 'dryRun' | 'verify' {
  return state.recount && state.status !== 'completed' && state.status !== 'failed' ? 'dryRun' : 'verify';
}

/**
 * A step as LangGraph calls a node: with the state and the run's config; the
 * deps come from `deps` as it runs. The checkpoint keeps the classification
 * small; the step reads it whole (its texts from the state's SQL, the one the
 * approval is bound to), and what it returns is kept small again.
 */
function nodeOf(step: PipelineStep, deps: DepsSource) {
  return async (channels: MigrationState, config: LangGraphRunnableConfig) => {
    const state = channels.classification ? { ...channels, classification: await readBack(channels.classification, channels.sql) } : channels;
    const update = await step.run(state, config, await resolveDeps(deps));
    return update.classification ? { ...update, classification: storedClassification(update.classification) } : update;
  };
}

async function readBack(stored: StoredClassification | Classification, sql: string): Promise<Classification> {
  await loadSqlParser();
  const { textsFit: _textsFit, ...classification } = restoredClassification(stored, sql);
  return classification;
}

/**
 * The graph (not compiled: the CLI compiles it with Airlock's checkpointer,
 * langgraph.json's export without one), its steps acting on `deps`.
 */
export function buildPipelineGraph(spec: PipelineSpec, deps: DepsSource) {
  const checks = [...(spec.before ?? []), ...CHECKS];
  const tail: PipelineStep[] = [
    { name: 'dryRun', run: dryRun },
    { name: 'approve', run: approve },
    { name: 'execute', run: execute },
    { name: 'verify', run: verify },
    { name: 'audit', run: audit },
  ];
  // Node names are data here; LangGraph's types want literal names, which a list cannot give.
  let graph = new StateGraph({ state: channelsOf(spec.state), input: wholeInputOf(spec.input) }) as unknown as StateGraph<typeof MigrationState, MigrationState, Partial<MigrationState>, string>;
  for (const step of [...checks, ...tail]) graph = graph.addNode(step.name, nodeOf(step, deps)) as typeof graph;
  graph = graph.addEdge(START, checks[0]!.name);
  checks.forEach((step, index) => {
    const next = checks[index + 1]?.name ?? 'dryRun';
    graph = graph.addConditionalEdges(step.name, continueUnlessBlocked(next), [next, 'audit']);
  });
  return graph
    .addConditionalEdges('dryRun', routeAfterDryRun, ['approve', 'execute', 'audit'])
    .addConditionalEdges('approve', routeAfterApprove(checks[0]!.name), [checks[0]!.name, 'execute', 'audit'])
    .addConditionalEdges('execute', routeAfterExecute, ['dryRun', 'verify'])
    .addEdge('verify', 'audit')
    .addEdge('audit', END);
}
