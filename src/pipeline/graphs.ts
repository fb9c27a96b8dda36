import { CleanupInput, CleanupState, MigrationInput, MigrationState } from '../contracts/migration-state.ts';
import { prepareCleanup } from './nodes/prepare-cleanup.ts';
import { buildPipelineGraph } from './pipeline-graph.ts';

/**
 * request ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 * The dry-run measures each DELETE/UPDATE (read-only, rolled back); other migrations pass through it.
 * Uncompiled: the thread runner (src/threads/migration-runner.ts) compiles it
 * with Airlock's PostgresSaver, graphs/migration.ts for the LangGraph server.
 */
export const migrationGraph = buildPipelineGraph({ state: MigrationState, input: MigrationInput });

/**
 * request ─► prepare ─► classify ─► permit ─► dryRun ─► approve ─► execute ─► verify ─► audit
 * prepare turns --table and --where into one checked DELETE; an edit of the
 * filter goes back to it. The routing is the migration graph's (one builder).
 */
export const cleanupGraph = buildPipelineGraph({
  state: CleanupState,
  input: CleanupInput,
  before: [{ name: 'prepare', run: prepareCleanup }],
});
