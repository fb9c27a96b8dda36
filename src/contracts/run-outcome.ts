import { ExitCode } from './errors.ts';
import { z } from 'zod';
import { ExecutionResult } from './migration-state.ts';
import { BlastRadius } from './blast-radius.ts';

/** A thread's state as the CLI contract reports it (`--json` of migrate, cleanup, resume, approve…). Defined once, here. */
export const RunOutcome = z.object({
  thread_id: z.string(),
  status: z.enum(['completed', 'pending_approval', 'blocked', 'rejected', 'failed']),
  approval_id: z.string().optional(),
  reason: z.string().optional(),
  rules: z.array(z.string()).optional(),
  tier: z.string().optional(),
  environment: z.string().optional(),
  summary: z.string().optional(),
  result: ExecutionResult.optional(),
  /** The SQL did not parse or no environment was given: bad input, not a policy decision. */
  bad_input: z.boolean().optional(),
  /** The thread has not reached its end: it is running in another process, or stopped part-way. */
  in_progress: z.boolean().optional(),
  blast_radius: BlastRadius.optional(),
  /** A blocked thread: the rule or check that stopped it (`blast-radius-cap`, `agent-permission`…), for code that acts on it. */
  refusal_code: z.string().optional(),
});
export type RunOutcome = z.infer<typeof RunOutcome>;

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
