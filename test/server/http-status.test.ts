import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/contracts/errors.ts';
import { httpStatusFor } from '../../src/server/http-status.ts';

describe('the HTTP status airlock serve gives an AirlockError', () => {
  it.each([
    [ExitCode.badInput, 400],
    [ExitCode.blocked, 403],
    [ExitCode.paused, 409],
    [ExitCode.failed, 500],
    [ExitCode.done, 200],
  ])('exit code %i is HTTP %i', (exitCode, status) => {
    expect(httpStatusFor(exitCode)).toBe(status);
  });

  it('a failure is never reported as the caller’s bad request', () => {
    expect(httpStatusFor(ExitCode.failed)).not.toBe(400);
  });

  it('an exit code it does not know is a server error (fails closed, not a 2xx)', () => {
    expect(httpStatusFor(99 as ExitCode)).toBe(500);
  });
});
