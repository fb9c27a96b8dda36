import { shutdown } from '../runtime/shutdown.ts';
import { AirlockError, ExitCode, describeDatabaseError } from '../contracts/errors.ts';

/** What a command produced: one JSON object for --json, lines of text otherwise, and the exit code. */
export interface CommandResult {
  json: Record<string, unknown>;
  text: string;
  exitCode: ExitCode;
}

export interface OutputOptions {
  json?: boolean;
}

/** Progress and notes go to stderr, so stdout holds only the answer (exactly one JSON object with --json). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Run a command: print its result, or a one-line error that says what to do
 * next; close the database pools so the process exits by itself; set the exit code.
 */
export async function runCommand(options: OutputOptions, work: () => Promise<CommandResult>): Promise<void> {
  let exitCode: ExitCode;
  try {
    const result = await work();
    process.stdout.write(options.json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
    exitCode = result.exitCode;
  } catch (error) {
    const known = error instanceof AirlockError;
    exitCode = known ? error.exitCode : ExitCode.failed;
    const message = known
      ? error.message
      : `unexpected error: ${describeDatabaseError(error)} (nothing further was run; re-run with AIRLOCK_DEBUG=1 for the stack and report it)`;
    if (process.env.AIRLOCK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.stderr.write(`airlock: ${message}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify({ error: message, exit_code: exitCode })}\n`);
  } finally {
    await shutdown();
  }
  process.exitCode = exitCode!;
}

/** `N minutes ago`-style age for inbox rows. */
export function age(since: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  if (seconds < 90) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

export function indent(lines: string[], prefix = '  '): string {
  return lines.map((line) => `${prefix}${line}`).join('\n');
}
