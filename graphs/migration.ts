import { END, START, StateGraph } from '@langchain/langgraph';
import { MigrationInput, MigrationState } from '../src/runtime/migration-state.ts';
import { approve } from '../src/runtime/nodes/approve.ts';
import { audit } from '../src/runtime/nodes/audit.ts';
import { classify } from '../src/runtime/nodes/classify.ts';
import { execute } from '../src/runtime/nodes/execute.ts';

/**
 * request ─► classify ─► approve ─► execute ─► audit
 *               │           │  (interrupt() until a reviewer decides;
 *             block       reject  read-only and allowed actions skip it)
 */

function routeAfterClassify(state: MigrationState): 'approve' | 'execute' | 'audit' {
  if (state.status === 'blocked') return 'audit';
  return state.gate?.decision === 'allow' ? 'execute' : 'approve';
}

function routeAfterApprove(state: MigrationState): 'execute' | 'audit' {
  return state.approval?.status === 'approved' ? 'execute' : 'audit';
}

export const migrationGraph = new StateGraph({ state: MigrationState, input: MigrationInput })
  .addNode('classify', classify)
  .addNode('approve', approve)
  .addNode('execute', execute)
  .addNode('audit', audit)
  .addEdge(START, 'classify')
  .addConditionalEdges('classify', routeAfterClassify, ['approve', 'execute', 'audit'])
  .addConditionalEdges('approve', routeAfterApprove, ['execute', 'audit'])
  .addEdge('execute', 'audit')
  .addEdge('audit', END);

/**
 * For langgraph.json. The LangGraph server supplies its own checkpointer; the
 * CLI compiles `migrationGraph` with Airlock's PostgresSaver instead.
 */
export const graph = migrationGraph.compile();
graph.name = 'migration';
