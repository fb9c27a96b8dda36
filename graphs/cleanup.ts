import { CleanupInput, CleanupState } from '../src/runtime/migration-state.ts';
import { prepareCleanup } from '../src/runtime/nodes/prepare-cleanup.ts';
import { buildPipelineGraph } from '../src/runtime/pipeline-graph.ts';

/**
 * request ─► prepare ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 * prepare turns --table and --where into one checked DELETE; an edit of the
 * filter goes back to it. (The routing, the same for the migration graph, is
 * in src/runtime/pipeline-graph.ts.)
 */
export const cleanupGraph = buildPipelineGraph({
  state: CleanupState,
  input: CleanupInput,
  before: [{ name: 'prepare', run: prepareCleanup }],
});

export const graph = cleanupGraph.compile();
graph.name = 'cleanup';
