/** Exit codes of the CLI contract (DESIGN.md). */
export const ExitCode = {
  done: 0,
  failed: 1,
  badInput: 2,
  paused: 3,
  blocked: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the person on call: one line that says what happened and
 * what to do next, and the exit code the CLI leaves with.
 */
export class AirlockError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.badInput,
    /** The rule or check that refused, for code that acts on it (never the message's words). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AirlockError';
  }
}

export function badInput(message: string, code?: string): AirlockError {
  return new AirlockError(message, ExitCode.badInput, code);
}

/** Postgres and network errors carry a code; make them one readable line. */
export function describeDatabaseError(error: unknown): string {
  const e = error as { message?: string; code?: string; detail?: string };
  const message = (e?.message ?? String(error)).split('\n')[0] ?? String(error);
  return e?.detail ? `${message} (${e.detail})` : message;
}
