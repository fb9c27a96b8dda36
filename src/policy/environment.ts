import { hasOwnEntry } from './own-key.ts';
import type { Policy } from './policy-file.ts';
import type { EnvironmentSignal } from '../contracts/environment-signal.ts';
import { ok, refused, type Result } from '../contracts/result.ts';

/**
 * Which environment an action runs in, decided from several signals, never
 * one: the --env flag, AIRLOCK_ENV/APP_ENV, the target database's host and
 * name, and the marker the database carries (`airlock db mark`). When they
 * disagree the action is blocked, and the error lists every signal.
 */

/** No signal names an environment; one names none a policy could have; or they disagree. */
export type EnvironmentRefusalCode = 'environment-missing' | 'environment-malformed' | 'environment-signals-disagree';

/** The policy's name of the one environment every signal names. */
export type EnvironmentResolution = Result<string, EnvironmentRefusalCode>;

/** The policy's name for an environment name or alias (case-insensitive); unknown names stay as given, lower-cased. */
export function canonicalEnvironment(name: string, policy: Policy): string {
  const wanted = name.trim().toLowerCase();
  for (const [environment, settings] of Object.entries(policy.environments)) {
    if (environment.toLowerCase() === wanted || settings.aliases.some((alias) => alias.toLowerCase() === wanted)) return environment;
  }
  return wanted;
}

function globMatches(pattern: string, value: string): boolean {
  const expression = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${expression}$`).test(value.toLowerCase());
}

/**
 * What the target's host and database name say: the policy's `detect`
 * patterns first; without a match, the words in the names (prod, staging, dev…).
 */
export function signalsFromTarget(target: { host: string; database: string }, policy: Policy): EnvironmentSignal[] {
  for (const [environment, settings] of Object.entries(policy.environments)) {
    const host = settings.detect.hosts.find((pattern) => globMatches(pattern, target.host));
    const database = settings.detect.databases.find((pattern) => globMatches(pattern, target.database));
    if (host || database) {
      return [{ source: host ? `database host ${target.host} (policy detect)` : `database name ${target.database} (policy detect)`, value: environment }];
    }
  }
  const signals: EnvironmentSignal[] = [];
  for (const [source, text] of [['database host', target.host], ['database name', target.database]] as const) {
    const words = text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    const named = words.map((word) => canonicalEnvironment(word, policy)).find((word) => hasOwnEntry(policy.environments, word));
    if (named) signals.push({ source: `${source} ${text}`, value: named });
  }
  return signals;
}

// The policy file's own rule for environment names (policy-file.ts Name).
const ENVIRONMENT_NAME = /^[a-z][a-z0-9_.-]*$/i;

export function resolveEnvironment(signals: EnvironmentSignal[], policy: Policy): EnvironmentResolution {
  const present = signals.filter((signal) => signal.value.trim() !== '');
  if (present.length === 0) {
    return refused('environment-missing', 'no environment given: pass --env (production, staging, development…)');
  }
  // A name that could never be a policy's environment (`__proto__`, a path, a space inside) is refused, not guessed at.
  const malformed = present.find((signal) => !ENVIRONMENT_NAME.test(signal.value.trim()));
  if (malformed) {
    return refused(
      'environment-malformed',
      `${JSON.stringify(malformed.value)} (${malformed.source}) is not an environment name: use letters, digits, ".", "_" or "-", starting with a letter; nothing was run`,
    );
  }
  const names = new Set(present.map((signal) => canonicalEnvironment(signal.value, policy)));
  if (names.size > 1) {
    const listed = present.map((signal) => `${signal.source}=${signal.value}`).join(', ');
    return refused(
      'environment-signals-disagree',
      `the environment signals disagree (${listed}): fix the one that is wrong (the flag, the variable, or the database marker with "airlock db mark ENV"); nothing was run`,
    );
  }
  return ok([...names][0]!);
}
