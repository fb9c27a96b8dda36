import { createRequire } from 'node:module';
import type { RecordedWith } from '../contracts/thread-export.ts';
import { CHECKPOINTER_VERSION } from '../store/schema.ts';

const require = createRequire(import.meta.url);

/** The versions a thread export records, read from the installed packages. */
export function runningVersions(): RecordedWith {
  return {
    airlock: (require('../../package.json') as { version: string }).version,
    langgraph: (require('@langchain/langgraph/package.json') as { version: string }).version,
    checkpoint_postgres: CHECKPOINTER_VERSION,
  };
}
