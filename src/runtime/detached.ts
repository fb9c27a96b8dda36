import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';

/**
 * Run `work` outside the calling graph's context. A graph invoked from inside
 * a node would otherwise join the caller's run as a nested subgraph, and its
 * approval interrupt would surface in the caller's thread. A proposal from
 * the agent is a thread of its own: approved, resumed and audited like any
 * migration or cleanup.
 */
export function detached<T>(work: () => Promise<T>): Promise<T> {
  return AsyncLocalStorageProviderSingleton.getInstance().run(undefined, work) as Promise<T>;
}
