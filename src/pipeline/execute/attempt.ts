import type { EnvironmentPolicy } from '../../policy/policy-file.ts';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import type { PipelineDeps } from '../deps.ts';

/** Execution found other rows than were approved: how many each way, and in which statement (a migration's). */
export type Recount = NonNullable<MigrationState['recount']>;

/** How one run against the target ended: it ran (or had already), it failed and was rolled back, or the rows changed since approval. */
export type Attempt =
  /** `recorded`: its outcome entry was written in the effect's own transaction (true: first time; undefined: not written there). */
  | { ok: true; result: ExecutionResult; recorded?: boolean }
  | { ok: false; error: string; failedStatement?: number }
  | { ok: false; recount: Recount };

/** The lock and statement timeouts every run against the target is held to. */
export type Timeouts = PipelineDeps['settings'];

/** The environment's blast-radius caps (undefined: none). */
export type Caps = EnvironmentPolicy['blastRadius'];
