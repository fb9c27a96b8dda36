import { AsyncLocalStorage } from 'node:async_hooks';
import type { AirlockSaver } from '../store/checkpoint-saver.ts';
import type { Clock } from '../policy/clock.ts';
import { clockFor } from './clock.ts';
import { readSettings, type Settings } from './config.ts';
import { closeDatabases, openDatabases, type Databases } from './database.ts';
import { loadPolicy, type LoadedPolicy } from './policy-loader.ts';
import { AIRLOCK_SCHEMA } from '../store/schema.ts';
import { onShutdown } from './shutdown.ts';
import { loadSqlParser } from '../sql/parse-sql.ts';

/**
 * The process's connection to Airlock's world: settings, database pools and
 * the checkpointer. The thread runner builds the pipeline's graphs with it as
 * their steps' deps (an Airlock is a `PipelineDeps`); the graphs that
 * langgraph.json serves look it up through `useAirlock()` when a node runs,
 * so the same steps run under the CLI, in tests and in the LangGraph server.
 */
export interface Airlock extends AirlockWorld {
  checkpointer: AirlockSaver;
}

/**
 * The world without the checkpointer: what a command that reads or writes
 * Airlock's tables but runs no graph needs (`inbox`, `show`, `audit`). It
 * does not load LangGraph's checkpointer and the LangChain code under it.
 */
export interface AirlockWorld {
  settings: Settings;
  databases: Databases;
  policy: LoadedPolicy;
  /**
   * What every decision reads for "now" (expiry, ages, prunes, decision
   * times): the machine's clock, AIRLOCK_NOW's, or in a replay the time the
   * recording was taken (or --at).
   */
  clock: Clock;
  /**
   * Set while a recorded thread is replayed (`airlock replay`): its state lives
   * in a scratch database, and without a named target its effects are rolled
   * back instead of committed.
   */
  replay?: { rollbackEffects: boolean };
}

let opening: Promise<AirlockWorld> | undefined;
let withCheckpointer: Promise<Airlock> | undefined;

// A replay runs the same graphs and steps against a world of its own: inside
// withAirlock(), useAirlock() gives that world, so the runner builds its graphs on it.
const scoped = new AsyncLocalStorage<Airlock>();

/** Run `work` (and every node it runs) against `airlock` instead of the process's own. */
export function withAirlock<T>(airlock: Airlock, work: () => Promise<T>): Promise<T> {
  return scoped.run(airlock, work);
}

/** The world, opened once per process: settings, policy, clock, pools (the schema migrated if it is behind). */
export function useAirlockWorld(): Promise<AirlockWorld> {
  const current = scoped.getStore();
  if (current) return Promise.resolve(current);
  opening ??= (async () => {
    const settings = readSettings();
    // A bad policy file is refused before anything connects or runs.
    const policy = loadPolicy(settings);
    const clock = clockFor(settings);
    const databases = await openDatabases(settings);
    return { settings, databases, policy, clock };
  })();
  opening.catch(() => {
    opening = undefined;
  });
  return opening;
}

/** The world and the checkpointer: what runs, resumes or reads a thread needs. */
export function useAirlock(): Promise<Airlock> {
  const current = scoped.getStore();
  if (current) return Promise.resolve(current);
  withCheckpointer ??= (async () => {
    // The parser's WebAssembly compiles on V8's background threads while the pools connect: every step parses.
    const [world, { AirlockSaver }] = await Promise.all([useAirlockWorld(), import('../store/checkpoint-saver.ts'), loadSqlParser()]);
    // setup() already ran inside openDatabases, under the schema advisory lock.
    return { ...world, checkpointer: new AirlockSaver(world.databases.state, AIRLOCK_SCHEMA) };
  })();
  withCheckpointer.catch(() => {
    withCheckpointer = undefined;
  });
  return withCheckpointer;
}

/** Close the pools so the process can exit by itself. */
export async function closeAirlock(): Promise<void> {
  const current = opening;
  opening = undefined;
  withCheckpointer = undefined;
  if (!current) return;
  const airlock = await current.catch(() => undefined);
  if (airlock) await closeDatabases(airlock.databases);
}

onShutdown(closeAirlock);
