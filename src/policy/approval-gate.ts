import type { Tier } from './tier.ts';

/**
 * What the approve step does with an action of a given tier in a given
 * environment. A first, simple policy; the policy file (later) refines it by
 * role and environment. An environment we do not recognise is treated as
 * production: the expensive mistake is the one to avoid.
 */
export interface Gate {
  decision: 'allow' | 'approve' | 'block';
  /** The reviewer must type the confirmation token from `airlock show`. */
  tokenRequired: boolean;
  reason: string;
}

const DEVELOPMENT_ENVIRONMENTS = new Set(['development', 'dev', 'local', 'test', 'ci', 'sandbox']);

export function isDevelopmentEnvironment(environment: string): boolean {
  return DEVELOPMENT_ENVIRONMENTS.has(environment.trim().toLowerCase());
}

export function gateFor(tier: Tier, environment: string): Gate {
  switch (tier) {
    case 'forbidden':
      return { decision: 'block', tokenRequired: false, reason: 'forbidden statements never run through Airlock' };
    case 'read':
      return { decision: 'allow', tokenRequired: false, reason: 'read-only statements run without approval' };
    case 'write':
      return isDevelopmentEnvironment(environment)
        ? { decision: 'allow', tokenRequired: false, reason: `reversible writes run without approval in ${environment}` }
        : { decision: 'approve', tokenRequired: false, reason: `writes in ${environment} need a reviewer's approval` };
    case 'destructive':
      return {
        decision: 'approve',
        tokenRequired: true,
        reason: `irreversible changes need a reviewer's approval with the confirmation token, in every environment`,
      };
  }
}
