import { migrationGraph } from '../src/pipeline/graphs.ts';

/**
 * The migration graph for langgraph.json (Studio), built in src/pipeline/graphs.ts.
 * The LangGraph server supplies its own checkpointer; the CLI compiles
 * `migrationGraph` with Airlock's PostgresSaver instead.
 */
export { migrationGraph };
export const graph = migrationGraph.compile();
graph.name = 'migration';
