import { ExitCode } from '../contracts/errors.ts';

/**
 * The HTTP status `airlock serve` answers with for an AirlockError, from the
 * same exit code the CLI would leave with: bad input is the caller's to fix
 * (400), a block is a refusal (403), a pause is a conflict with the thread's
 * state (409), and a failure is the server's (500), never a 400 that tells
 * the caller to change a request that was fine.
 */
const STATUS_FOR_EXIT: Record<ExitCode, 200 | 400 | 403 | 409 | 500> = {
  [ExitCode.done]: 200,
  [ExitCode.badInput]: 400,
  [ExitCode.blocked]: 403,
  [ExitCode.paused]: 409,
  [ExitCode.failed]: 500,
};

export function httpStatusFor(exitCode: ExitCode): 200 | 400 | 403 | 409 | 500 {
  return STATUS_FOR_EXIT[exitCode] ?? 500;
}
