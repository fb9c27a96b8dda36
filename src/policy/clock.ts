import { parseAge } from './age.ts';
import { ok, refused, type Result } from '../contracts/result.ts';

/**
 * Time as an input. Every decision that reads the clock (expiry, ages,
 * "older than" prunes, timestamps written with a decision) takes a `Clock`
 * instead of reading the machine's clock itself, so tests, replays and post-mortems can say
 * which time they mean: a recording made last week replays next year as it
 * was recorded, not as today sees it.
 */
export type Clock = () => Date;

// Past a century ahead, dates stop being dates anyone means (and Date's range ends).
const MAX_OFFSET_MS = 100 * 366 * 86_400_000;

/** A clock that reads `start` now and then advances with `underlying`. */
export function clockStartingAt(start: Date, underlying: Clock): Clock {
  const offset = start.getTime() - underlying().getTime();
  return () => new Date(underlying().getTime() + offset);
}

/** A clock running `offsetMs` ahead of `underlying`. */
export function clockAhead(offsetMs: number, underlying: Clock): Clock {
  return () => new Date(underlying().getTime() + offsetMs);
}

// An instant with its zone: 2027-12-03T10:00:00Z, 2027-12-03T10:00:00.5+01:00.
// A bare date or a time without a zone would be read in the machine's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with an explicit zone, or undefined. */
export function parseInstant(text: string): Date | undefined {
  const trimmed = text.trim();
  if (!INSTANT.test(trimmed)) return undefined;
  const instant = new Date(trimmed);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** An offset like `+365d`, `+73h`, `+2w`, `+90m`, in milliseconds; only forward. */
export function parseForwardOffset(text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('+')) return undefined;
  const ms = parseAge(trimmed.slice(1));
  return ms !== undefined && Number.isFinite(ms) && ms <= MAX_OFFSET_MS ? ms : undefined;
}

export interface ClockOverride {
  clock: Clock;
  description: string;
}

/** AIRLOCK_NOW is neither an offset nor an instant with its zone; or it would move the clock back. */
export type ClockOverrideRefusalCode = 'clock-override-malformed' | 'clock-override-backward';

/**
 * AIRLOCK_NOW: move Airlock's clock forward, for tests ("a year from now") and
 * for rehearsing expiry. Either an offset (`+365d`: every process agrees, as
 * the offset applies to the real clock) or an instant with its zone (the
 * clock starts there and advances). It can only move the clock forward: an
 * earlier clock would revive approvals that have expired, so it is refused.
 */
export function clockOverride(value: string, real: Clock): Result<ClockOverride, ClockOverrideRefusalCode> {
  const offset = parseForwardOffset(value);
  if (offset !== undefined) return ok({ clock: clockAhead(offset, real), description: `${value} ahead of the real clock` });
  const instant = parseInstant(value);
  if (!instant) {
    return refused(
      'clock-override-malformed',
      `AIRLOCK_NOW must be an offset like +365d or an instant with its zone like 2027-12-03T10:00:00Z, not "${value}": fix it or unset it (nothing was run)`,
    );
  }
  const now = real();
  if (instant.getTime() < now.getTime()) {
    return refused(
      'clock-override-backward',
      `AIRLOCK_NOW=${value} is before the real time ${now.toISOString()}: Airlock's clock can only be moved forward (an earlier clock would revive expired approvals); unset it (nothing was run)`,
    );
  }
  return ok({ clock: clockStartingAt(instant, real), description: `starting at ${instant.toISOString()}` });
}
