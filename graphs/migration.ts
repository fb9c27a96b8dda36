import { END, START, StateGraph } from '@langchain/langgraph';
import { MigrationInput, MigrationState } from '../src/runtime/migration-state.ts';
import { approve } from '../src/runtime/nodes/approve.ts';
import { audit } from '../src/runtime/nodes/audit.ts';
import { classify } from '../src/runtime/nodes/classify.ts';
import { dryRun } from '../src/runtime/nodes/dry-run.ts';
import { execute } from '../src/runtime/nodes/execute.ts';
import { permit } from '../src/runtime/nodes/permit.ts';
import { verify } from '../src/runtime/nodes/verify.ts';

/**
 * request ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 *               ▲ │        │         │ ▲       │  │        │  (interrupt() until a reviewer decides;
 *               │ block    block   block└──────┼──┼────────┘   what the policy allows skips it)
 *               │        (over the cap)        │  reject     rows of a DELETE/UPDATE changed since approval:
 *               └──────────── edit ────────────┘             measure again, ask again
 * The dry-run measures each DELETE/UPDATE (read-only, rolled back); other migrations pass through it.
 */

function routeAfterClassify(state: MigrationState): 'permit' | 'audit' {
  return state.status === 'blocked' ? 'audit' : 'permit';
}

function routeAfterPermit(state: MigrationState): 'dryRun' | 'audit' {
  return state.status === 'blocked' ? 'audit' : 'dryRun';
}

function routeAfterDryRun(state: MigrationState): 'approve' | 'execute' | 'audit' {
  if (state.status === 'blocked') return 'audit';
  return state.permission?.decision === 'allow' ? 'execute' : 'approve';
}

function routeAfterExecute(state: MigrationState): 'dryRun' | 'verify' {
  return state.recount && state.status !== 'completed' && state.status !== 'failed' ? 'dryRun' : 'verify';
}

function routeAfterApprove(state: MigrationState): 'classify' | 'execute' | 'audit' {
  if (state.approval?.status === 'edited') return 'classify'; // the edited SQL is checked from the start
  return state.approval?.status === 'approved' ? 'execute' : 'audit';
}

export const migrationGraph = new StateGraph({ state: MigrationState, input: MigrationInput })
  .addNode('classify', classify)
  .addNode('permit', permit)
  .addNode('dryRun', dryRun)
  .addNode('approve', approve)
  .addNode('execute', execute)
  .addNode('verify', verify)
  .addNode('audit', audit)
  .addEdge(START, 'classify')
  .addConditionalEdges('classify', routeAfterClassify, ['permit', 'audit'])
  .addConditionalEdges('permit', routeAfterPermit, ['dryRun', 'audit'])
  .addConditionalEdges('dryRun', routeAfterDryRun, ['approve', 'execute', 'audit'])
  .addConditionalEdges('approve', routeAfterApprove, ['classify', 'execute', 'audit'])
  .addConditionalEdges('execute', routeAfterExecute, ['dryRun', 'verify'])
  .addEdge('verify', 'audit')
  .addEdge('audit', END);

/**
 * For langgraph.json. The LangGraph server supplies its own checkpointer; the
 * CLI compiles `migrationGraph` with Airlock's PostgresSaver instead.
 */
export const graph = migrationGraph.compile();
graph.name = 'migration';
