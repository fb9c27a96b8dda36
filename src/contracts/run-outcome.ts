import { ExitCode } from './errors.ts';
import type { ExecutionResult } from './migration-state.ts';
import type { BlastRadius } from './blast-radius.ts';

/** A thread's state as the CLI contract reports it. */
export interface RunOutcome {
  thread_id: string;
  status: 'completed' | 'pending_approval' | 'blocked' | 'rejected' | 'failed';
  approval_id?: string;
  reason?: string;
  rules?: string[];
  tier?: string;
  environment?: string;
  summary?: string;
  result?: ExecutionResult;
  /** The SQL did not parse or no environment was given: bad input, not a policy decision. */
  bad_input?: boolean;
  /** The thread has not reached its end: it is running in another process, or stopped part-way. */
  in_progress?: boolean;
  blast_radius?: BlastRadius;
  /** A blocked thread: the rule or check that stopped it (`blast-radius-cap`, `agent-permission`…), for code that acts on it. */
  refusal_code?: string;
}

/** The exit code `airlock migrate` or `airlock cleanup` gives for an outcome. */
export function exitCodeFor(outcome: RunOutcome, rejectedIsSuccess = false): ExitCode {
  switch (outcome.status) {
    case 'completed':
      return ExitCode.done;
    case 'pending_approval':
      return ExitCode.paused;
    case 'blocked':
      return outcome.bad_input ? ExitCode.badInput : ExitCode.blocked;
    case 'rejected':
      return rejectedIsSuccess ? ExitCode.done : ExitCode.failed;
    case 'failed':
      return ExitCode.failed;
  }
}
