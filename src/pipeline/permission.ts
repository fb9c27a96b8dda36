import type { EnvironmentSignal } from '../contracts/environment-signal.ts';
import type { MigrationState } from '../contracts/migration-state.ts';
import type { Permit } from '../contracts/permit.ts';
import type { Tier } from '../contracts/tier.ts';
import { resolveEnvironment, type EnvironmentResolution } from '../policy/environment.ts';
import { permit as decidePermit } from '../policy/permit.ts';
import { gatherSignals } from '../runtime/environment-signals.ts';
import type { PipelineDeps } from './deps.ts';

export interface Permission {
  signals: EnvironmentSignal[];
  resolution: EnvironmentResolution;
  /** What the policy says, once the environment is known. */
  decision?: Permit;
}

/**
 * What an action of this tier needs, by the policy: the environment from
 * every signal (the one asked for, the target's URL and marker), then allow,
 * approve or block for who asks. One place, so that the permit step and
 * execution's second look (execute/checks-at-execution.ts) cannot drift apart.
 */
export async function permissionFor(
  deps: PipelineDeps,
  state: MigrationState,
  tier: Tier,
  marks?: { marker: string | null; setting: string | null },
): Promise<Permission> {
  const { policy } = deps.policy;
  const signals = await gatherSignals(state.environment, deps.databases.target, deps.databases.targetUrl, policy, marks);
  const resolution = resolveEnvironment(signals, policy);
  if (!resolution.ok) return { signals, resolution };
  return { signals, resolution, decision: decidePermit({ tier, environment: resolution.value, requester: state.requestedBy, tool: 'migrate' }, policy) };
}
