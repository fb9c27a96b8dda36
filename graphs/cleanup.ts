import { cleanupGraph } from '../src/pipeline/graphs.ts';

/** The cleanup graph for langgraph.json (Studio), built in src/pipeline/graphs.ts (one builder with the migration graph). */
export { cleanupGraph };
export const graph = cleanupGraph.compile();
graph.name = 'cleanup';
