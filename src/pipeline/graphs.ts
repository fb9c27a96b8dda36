import { CleanupChannels, CleanupInput, MigrationChannels, MigrationInput } from '../contracts/migration-state.ts';
import { useAirlock } from '../runtime/airlock.ts';
import type { DepsSource, PipelineDeps } from './deps.ts';
import { prepareCleanup } from './nodes/prepare-cleanup.ts';
import { buildPipelineGraph } from './pipeline-graph.ts';

/**
 * request ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 * The dry-run measures each DELETE/UPDATE (read-only, rolled back); other migrations pass through it.
 * Its steps act on `deps`: by default the process's own world, looked up when a node runs.
 */
export function buildMigrationGraph(deps: DepsSource = useAirlock) {
  return buildPipelineGraph({ state: MigrationChannels, input: MigrationInput }, deps);
}

/**
 * request ─► prepare ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 * prepare turns --table and --where into one checked DELETE; an edit of the
 * filter goes back to it. The routing is the migration graph's (one builder).
 */
export function buildCleanupGraph(deps: DepsSource = useAirlock) {
  return buildPipelineGraph({ state: CleanupChannels, input: CleanupInput, before: [{ name: 'prepare', run: prepareCleanup }] }, deps);
}

/**
 * Uncompiled, for langgraph.json (graphs/migration.ts, graphs/cleanup.ts):
 * the LangGraph server compiles them with no arguments, so their steps find
 * the process's world through useAirlock() when they run. The thread runner
 * builds its own with the world it was given (`pipelineGraphsFor`).
 */
export const migrationGraph = buildMigrationGraph();
export const cleanupGraph = buildCleanupGraph();

const built = new WeakMap<PipelineDeps, { migration: ReturnType<typeof buildMigrationGraph>; cleanup: ReturnType<typeof buildCleanupGraph> }>();

/** The migration and cleanup graphs acting on `deps`, built once per world (the runner asks for them on every call). */
export function pipelineGraphsFor(deps: PipelineDeps) {
  let graphs = built.get(deps);
  if (!graphs) {
    graphs = { migration: buildMigrationGraph(deps), cleanup: buildCleanupGraph(deps) };
    built.set(deps, graphs);
  }
  return graphs;
}
