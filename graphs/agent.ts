import { agentGraph as wiredAgentGraph } from '../src/threads/migration-runner.ts';

/** The agent graph for langgraph.json (Studio); built and wired in src/agent/agent-graph.ts. */
export const agentGraph = await wiredAgentGraph();
export const graph = agentGraph.compile();
graph.name = 'agent';
