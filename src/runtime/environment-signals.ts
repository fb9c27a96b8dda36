import type pg from 'pg';
import { signalsFromTarget } from '../policy/environment.ts';
import type { Policy } from '../policy/policy-file.ts';
import type { EnvironmentSignal } from '../contracts/environment-signal.ts';
import { environmentMarks } from '../store/environment-marker.ts';

/** Signals that need no database: the flag and the environment variables. */
export function localSignals(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): EnvironmentSignal[] {
  const signals: EnvironmentSignal[] = [];
  if (flag?.trim()) signals.push({ source: '--env', value: flag.trim() });
  for (const variable of ['AIRLOCK_ENV', 'APP_ENV'] as const) {
    const value = env[variable]?.trim();
    if (value) signals.push({ source: variable, value });
  }
  return signals;
}

/** The environment the target database says it is: `airlock db mark`'s marker, or an `airlock.environment` setting. */
export async function markerSignals(target: pg.Pool, known?: { marker: string | null; setting: string | null }): Promise<EnvironmentSignal[]> {
  const { marker, setting } = known ?? (await environmentMarks(target));
  const signals: EnvironmentSignal[] = [];
  if (marker) signals.push({ source: 'database marker (airlock db mark)', value: marker });
  if (setting) signals.push({ source: 'database setting airlock.environment', value: setting });
  return signals;
}

export function targetSignals(targetUrl: string, policy: Policy): EnvironmentSignal[] {
  try {
    const url = new URL(targetUrl);
    return signalsFromTarget({ host: url.hostname, database: url.pathname.replace(/^\//, '') }, policy);
  } catch {
    return [];
  }
}

/** Every signal for an action against the target database. */
export async function gatherSignals(
  flag: string | undefined,
  target: pg.Pool,
  targetUrl: string,
  policy: Policy,
  /** The target's marks, when the caller has just read them (targetFacts). */
  marks?: { marker: string | null; setting: string | null },
): Promise<EnvironmentSignal[]> {
  return [...localSignals(flag), ...targetSignals(targetUrl, policy), ...(await markerSignals(target, marks))];
}
