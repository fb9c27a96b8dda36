import { END, START, StateGraph } from '@langchain/langgraph';
import { CleanupInput, MigrationState } from '../src/runtime/migration-state.ts';
import { approve } from '../src/runtime/nodes/approve.ts';
import { audit } from '../src/runtime/nodes/audit.ts';
import { classify } from '../src/runtime/nodes/classify.ts';
import { dryRun } from '../src/runtime/nodes/dry-run.ts';
import { execute } from '../src/runtime/nodes/execute.ts';
import { permit } from '../src/runtime/nodes/permit.ts';
import { verify } from '../src/runtime/nodes/verify.ts';
import { prepareCleanup } from '../src/runtime/nodes/prepare-cleanup.ts';

/**
 * request ─► prepare ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 *              │           │          │         │ ▲ (over the cap:  │        │
 *            block       block      block     block └── never asked) reject  │
 *                                               └──── rows changed since approval: measure, ask again
 */

// The migration state plus the cleanup's own input (the DELETE is built from it by prepare).
const State = MigrationState.extend({
  table: CleanupInput.shape.table.optional(),
  predicate: CleanupInput.shape.predicate.optional(),
  mode: CleanupInput.shape.mode.optional(),
});

function continueUnlessBlocked<Next extends string>(next: Next) {
  return (state: MigrationState): Next | 'audit' => (state.status === 'blocked' ? 'audit' : next);
}

function routeAfterDryRun(state: MigrationState): 'approve' | 'execute' | 'audit' {
  if (state.status === 'blocked') return 'audit';
  return state.permission?.decision === 'allow' ? 'execute' : 'approve';
}

function routeAfterApprove(state: MigrationState): 'execute' | 'audit' {
  return state.approval?.status === 'approved' ? 'execute' : 'audit';
}

/** The rows changed between approval and execution: measure again, and ask again. */
function routeAfterExecute(state: MigrationState): 'dryRun' | 'verify' {
  return state.recount && state.status !== 'completed' && state.status !== 'failed' ? 'dryRun' : 'verify';
}

export const cleanupGraph = new StateGraph({ state: State, input: CleanupInput })
  .addNode('prepare', prepareCleanup)
  .addNode('classify', classify)
  .addNode('permit', permit)
  .addNode('dryRun', dryRun)
  .addNode('approve', approve)
  .addNode('execute', execute)
  .addNode('verify', verify)
  .addNode('audit', audit)
  .addEdge(START, 'prepare')
  .addConditionalEdges('prepare', continueUnlessBlocked('classify'), ['classify', 'audit'])
  .addConditionalEdges('classify', continueUnlessBlocked('permit'), ['permit', 'audit'])
  .addConditionalEdges('permit', continueUnlessBlocked('dryRun'), ['dryRun', 'audit'])
  .addConditionalEdges('dryRun', routeAfterDryRun, ['approve', 'execute', 'audit'])
  .addConditionalEdges('approve', routeAfterApprove, ['execute', 'audit'])
  .addConditionalEdges('execute', routeAfterExecute, ['dryRun', 'verify'])
  .addEdge('verify', 'audit')
  .addEdge('audit', END);

export const graph = cleanupGraph.compile();
graph.name = 'cleanup';
