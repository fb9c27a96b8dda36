import { MigrationInput, MigrationState } from '../src/runtime/migration-state.ts';
import { buildPipelineGraph } from '../src/runtime/pipeline-graph.ts';

/**
 * request ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 * (the routing, the same for the cleanup graph, is in src/runtime/pipeline-graph.ts)
 * The dry-run measures each DELETE/UPDATE (read-only, rolled back); other migrations pass through it.
 */
export const migrationGraph = buildPipelineGraph({ state: MigrationState, input: MigrationInput });

/**
 * For langgraph.json. The LangGraph server supplies its own checkpointer; the
 * CLI compiles `migrationGraph` with Airlock's PostgresSaver instead.
 */
export const graph = migrationGraph.compile();
graph.name = 'migration';
