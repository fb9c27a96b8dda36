import { clockOverride, type Clock } from '../policy/clock.ts';
import type { Settings } from './config.ts';
import { badInput } from '../contracts/errors.ts';

/** The machine's clock: the one place outside tests that reads it for a decision. */
export const systemClock: Clock = () => new Date();

/** The process's clock: the machine's, or moved forward by AIRLOCK_NOW (refused if it would move it back). */
export function clockFor(settings: Pick<Settings, 'clockOverride'>, real: Clock = systemClock): Clock {
  if (!settings.clockOverride) return real;
  const override = clockOverride(settings.clockOverride, real);
  if (!override.ok) throw badInput(override.refusal.message, override.refusal.code);
  return override.value.clock;
}
