import fs from 'node:fs';
import path from 'node:path';
import { BUILT_IN_POLICY, parsePolicy, type Policy } from '../policy/policy-file.ts';
import type { Settings } from './config.ts';
import { badInput } from '../contracts/errors.ts';

const DEFAULT_POLICY_FILE = 'airlock.policy.json';

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from: a file path, or "built-in". */
  source: string;
}

/** Read and validate the policy at start; anything wrong is refused with the JSON path of the problem. */
export function loadPolicy(settings: Settings): LoadedPolicy {
  const explicit = settings.policyPath;
  const file = path.resolve(explicit ?? DEFAULT_POLICY_FILE);
  if (!explicit && !fs.existsSync(file)) return { policy: BUILT_IN_POLICY, source: 'built-in' };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw badInput(
      `cannot read the policy file ${file} (${(error as NodeJS.ErrnoException).code}): fix AIRLOCK_POLICY, or unset it to use the built-in policy`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw badInput(`the policy file ${file} is not valid JSON (${(error as Error).message}): fix it, or unset AIRLOCK_POLICY`);
  }
  const parsed = parsePolicy(json, `the policy file ${file}`);
  if (!parsed.ok) throw badInput(parsed.refusal.message, parsed.refusal.code);
  return { policy: parsed.value, source: file };
}
