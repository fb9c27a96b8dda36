import { agentGraph } from '../src/runtime/migration-runner.ts';

/** The agent graph for langgraph.json (Studio); built and wired in src/runtime/agent-graph.ts. */
export { agentGraph };
export const graph = agentGraph.compile();
graph.name = 'agent';
