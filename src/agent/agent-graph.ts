import { END, START, StateGraph } from '@langchain/langgraph';
import type { ProposePort } from '../../tools/index.ts';
import { AgentState, type AgentStateValue } from './agent-state.ts';
import { callModelNode } from './nodes/call-model.ts';
import { guard } from './nodes/guard.ts';
import { permitTool } from './nodes/permit.ts';
import { runToolsNode } from './nodes/run-tools.ts';
import { screen } from './nodes/screen.ts';
import { AgentInput } from '../contracts/agent-records.ts';

/**
 * task ─► screen ─► model ─► guard ─► permit ─► tools ─┐
 *           │         ▲ │                             │
 *         block       │ └─ final answer ─► end        │
 *                     └───────────────────────────────┘
 * Every tool call passes guard (content) and permit (the role) first; the
 * write tools hand their action to the migration or cleanup graph through
 * `propose`, which the threads layer (migration-runner.ts) supplies.
 */

function afterScreen(state: AgentStateValue): 'model' | typeof END {
  return state.status === 'blocked' ? END : 'model';
}

function afterModel(state: AgentStateValue): 'guard' | typeof END {
  return state.status === 'running' ? 'guard' : END;
}

export function buildAgentGraph(propose: ProposePort) {
  return new StateGraph({ state: AgentState, input: AgentInput })
    .addNode('screen', screen)
    .addNode('model', callModelNode(propose))
    .addNode('guard', guard)
    .addNode('permit', permitTool)
    .addNode('tools', runToolsNode(propose))
    .addEdge(START, 'screen')
    .addConditionalEdges('screen', afterScreen, ['model', END])
    .addConditionalEdges('model', afterModel, ['guard', END])
    .addEdge('guard', 'permit')
    .addEdge('permit', 'tools')
    .addEdge('tools', 'model');
}
