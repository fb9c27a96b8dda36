import type { LangGraphRunnableConfig } from '@langchain/langgraph';

/** The thread a node runs in; every Airlock run is checkpointed, so there always is one. */
export function threadIdOf(config: LangGraphRunnableConfig): string {
  const threadId = config.configurable?.thread_id;
  if (typeof threadId !== 'string' || !threadId) {
    throw new Error('the migration graph needs a thread_id (configurable.thread_id) and a checkpointer');
  }
  return threadId;
}
