import { END, START, StateGraph } from '@langchain/langgraph';
import { AgentInput, AgentState, type AgentStateValue } from '../src/runtime/agent-state.ts';
import { callModel } from '../src/runtime/nodes/agent/call-model.ts';
import { guard } from '../src/runtime/nodes/agent/guard.ts';
import { permitTool } from '../src/runtime/nodes/agent/permit.ts';
import { runTools } from '../src/runtime/nodes/agent/run-tools.ts';
import { screen } from '../src/runtime/nodes/agent/screen.ts';

/**
 * task ─► screen ─► model ─► guard ─► permit ─► tools ─┐
 *           │         ▲ │                             │
 *         block       │ └─ final answer ─► end        │
 *                     └───────────────────────────────┘
 * Every tool call passes guard (content) and permit (the role) first; the
 * write tools hand their action to the migration or cleanup graph.
 */

function afterScreen(state: AgentStateValue): 'model' | typeof END {
  return state.status === 'blocked' ? END : 'model';
}

function afterModel(state: AgentStateValue): 'guard' | typeof END {
  return state.status === 'running' ? 'guard' : END;
}

export const agentGraph = new StateGraph({ state: AgentState, input: AgentInput })
  .addNode('screen', screen)
  .addNode('model', callModel)
  .addNode('guard', guard)
  .addNode('permit', permitTool)
  .addNode('tools', runTools)
  .addEdge(START, 'screen')
  .addConditionalEdges('screen', afterScreen, ['model', END])
  .addConditionalEdges('model', afterModel, ['guard', END])
  .addEdge('guard', 'permit')
  .addEdge('permit', 'tools')
  .addEdge('tools', 'model');

export const graph = agentGraph.compile();
graph.name = 'agent';
