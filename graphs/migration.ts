import { END, START, StateGraph } from '@langchain/langgraph';
import { MigrationInput, MigrationState } from '../src/runtime/migration-state.ts';
import { approve } from '../src/runtime/nodes/approve.ts';
import { audit } from '../src/runtime/nodes/audit.ts';
import { classify } from '../src/runtime/nodes/classify.ts';
import { execute } from '../src/runtime/nodes/execute.ts';
import { permit } from '../src/runtime/nodes/permit.ts';
import { verify } from '../src/runtime/nodes/verify.ts';

/**
 * request ─► classify ─► permit ─► approve ─► execute ─► verify ─► audit
 *               ▲ │        │          │  (interrupt() until a reviewer decides;
 *               │ block    block    reject  what the policy allows skips it)
 *               └──────── edit ───────┘  (an edited action is checked again from the start)
 */

function routeAfterClassify(state: MigrationState): 'permit' | 'audit' {
  return state.status === 'blocked' ? 'audit' : 'permit';
}

function routeAfterPermit(state: MigrationState): 'approve' | 'execute' | 'audit' {
  if (state.status === 'blocked') return 'audit';
  return state.permission?.decision === 'allow' ? 'execute' : 'approve';
}

function routeAfterApprove(state: MigrationState): 'classify' | 'execute' | 'audit' {
  if (state.approval?.status === 'edited') return 'classify'; // the edited SQL is checked from the start
  return state.approval?.status === 'approved' ? 'execute' : 'audit';
}

export const migrationGraph = new StateGraph({ state: MigrationState, input: MigrationInput })
  .addNode('classify', classify)
  .addNode('permit', permit)
  .addNode('approve', approve)
  .addNode('execute', execute)
  .addNode('verify', verify)
  .addNode('audit', audit)
  .addEdge(START, 'classify')
  .addConditionalEdges('classify', routeAfterClassify, ['permit', 'audit'])
  .addConditionalEdges('permit', routeAfterPermit, ['approve', 'execute', 'audit'])
  .addConditionalEdges('approve', routeAfterApprove, ['classify', 'execute', 'audit'])
  .addEdge('execute', 'verify')
  .addEdge('verify', 'audit')
  .addEdge('audit', END);

/**
 * For langgraph.json. The LangGraph server supplies its own checkpointer; the
 * CLI compiles `migrationGraph` with Airlock's PostgresSaver instead.
 */
export const graph = migrationGraph.compile();
graph.name = 'migration';
