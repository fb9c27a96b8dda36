import type { CleanupInput, MigrationInput } from '../src/contracts/migration-state.ts';
import type { RunOutcome } from '../src/contracts/run-outcome.ts';

/**
 * How the write tools hand an action to the migration or cleanup graph. The
 * threads layer supplies it (src/threads/migration-runner.ts): the tools do
 * not import the runner, so the agent graph, its tools and the runner that
 * starts the agent's proposals form no import cycle.
 */
export interface ProposePort {
  migration(input: MigrationInput, threadId: string): Promise<RunOutcome>;
  cleanup(input: CleanupInput, threadId: string): Promise<RunOutcome>;
}

/** What every tool of one agent run knows: where it acts, as whom, in which thread. */
export interface ToolContext {
  /** The environment the run was started for; the model cannot choose another. */
  environment: string;
  /** The agent's identity, `agent:ROLE`: proposals are requested by it. */
  agent: string;
  /** The agent's thread: proposals get threads named after it. */
  threadId: string;
  /** Where proposals go. */
  propose: ProposePort;
}

/** Hard limits, whatever the model asks for. */
export const LIMITS = { sampleRows: 20, selectRows: 100, tables: 200 } as const;

/** A table name the model gave, checked by the database (`to_regclass`) before any use. */
export { quoteIdentifier } from '../src/sql/names.ts';

/** A tool's answer to the model: compact JSON. */
export function answer(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A refusal the model can act on. */
export class ToolRefusal extends Error {
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}
