import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { MigrationState } from '../contracts/migration-state.ts';
import type { Airlock } from '../runtime/airlock.ts';
import type { Settings } from '../runtime/config.ts';
import type { Databases } from '../runtime/database.ts';

/**
 * What the pipeline's steps act on and read, passed to each step instead of
 * looked up: the databases, the loaded policy, the clock, the timeouts, and
 * whether this is a replay. The thread runner passes the process's own world
 * (`useAirlock()`, an `Airlock` is one), a replay its scratch world, a test a
 * hand-made one; the checkpointer is not here (the graph's compiler owns it).
 */
export type PipelineDeps = Pick<Airlock, 'policy' | 'clock' | 'replay'> & {
  databases: Pick<Databases, 'state' | 'target' | 'targetUrl' | 'targetIdentity'>;
  settings: Pick<Settings, 'lockTimeout' | 'statementTimeout'>;
};

/** A step of the line: the graph's state and the run's config (its thread), and the world it acts on. */
export type Step = (state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps) => Promise<Partial<MigrationState>>;

/** The deps themselves, or where to get them when a node runs (langgraph.json's graphs: the process's own world). */
export type DepsSource = PipelineDeps | (() => Promise<PipelineDeps>);

export function resolveDeps(source: DepsSource): Promise<PipelineDeps> {
  return typeof source === 'function' ? source() : Promise.resolve(source);
}
