import { READ_TOOLS, agentRole } from './agent-names.ts';
import { comparableName } from './principal-name.ts';
import type { Policy, EnvironmentPolicy } from './policy-file.ts';
import { ownEntry } from './own-key.ts';
import type { Tier } from '../contracts/tier.ts';
import type { Permit, PermitRefusalCode } from '../contracts/permit.ts';
import { refuse, type Refusal } from '../contracts/result.ts';


export interface PermitRequest {
  tier: Tier;
  environment: string;
  requester: string;
  /** The tool the requester calls: `migrate`, `cleanup`, `agent`… */
  tool: string;
}


function entryFor(environment: string, policy: Policy): { name: string; settings: EnvironmentPolicy; unknown: boolean } {
  const settings = ownEntry(policy.environments, environment);
  if (settings) return { name: environment, settings, unknown: false };
  return { name: 'production', settings: policy.environments.production!, unknown: true };
}

// Names that grant the same thing: the CLI's `migrate`/`cleanup` and the agent's tools that hand actions to them;
// `read` grants every read tool of the agent.
const SAME_GRANT: Record<string, readonly string[]> = {
  migrate: ['propose_migration'],
  propose_migration: ['migrate'],
  cleanup: ['propose_cleanup'],
  propose_cleanup: ['cleanup'],
};
const READ_TOOL_NAMES: ReadonlySet<string> = new Set(READ_TOOLS);

function grants(tools: readonly string[], tool: string): boolean {
  if (tools.includes('*') || tools.includes(tool)) return true;
  if (READ_TOOL_NAMES.has(tool) && tools.includes('read')) return true;
  return (ownEntry(SAME_GRANT, tool) ?? []).some((alias) => tools.includes(alias));
}

/** May this agent call this tool in this environment? Undefined when it may; else why not. */
export function agentRefusal(
  requester: string,
  tool: string,
  environment: string,
  policy: Policy,
): Refusal<Extract<PermitRefusalCode, 'agent-permission' | 'unknown-agent'>> | undefined {
  const role = agentRole(requester);
  if (role === undefined || Object.keys(policy.agents).length === 0) return undefined;
  // The policy's agent as names are compared (case, width, hidden characters): an unknown one is refused.
  const name = Object.keys(policy.agents).find((key) => comparableName(key) === role) ?? role;
  const grant = ownEntry(policy.agents, name);
  if (!grant) return refuse('unknown-agent', `${requester} is not an agent the policy knows (policy agents): add it, or run this as a person`);
  if (!grants(grant.tools, tool)) {
    return refuse('agent-permission', `${requester} may not call ${tool} (policy agents.${name}.tools: ${grant.tools.join(', ')})`);
  }
  if (!grant.environments.includes('*') && !grant.environments.includes(environment)) {
    return refuse('agent-permission', `${requester} may not act in ${environment} (policy agents.${name}.environments: ${grant.environments.join(', ')})`);
  }
  return undefined;
}

/** The permit decision: pure, from the tier, the resolved environment, who asks and the policy. */
export function permit(request: PermitRequest, policy: Policy): Permit {
  const { name, settings, unknown } = entryFor(request.environment, policy);
  const base = { policyEnvironment: name, fourEyes: settings.fourEyes, tokenRequired: false };
  const treatedAs = unknown ? ` (unknown environment ${request.environment}, treated as production)` : '';
  const refusal = agentRefusal(request.requester, request.tool, request.environment, policy);
  if (refusal) return { ...base, decision: 'block', reason: refusal.message, code: refusal.code };
  const action = settings.tiers[request.tier];
  if (action === 'allow') return { ...base, decision: 'allow', reason: `${request.tier} runs without approval in ${request.environment}${treatedAs}` };
  if (action === 'block') return { ...base, decision: 'block', reason: `${request.tier} statements are blocked in ${request.environment}${treatedAs}`, code: 'tier-blocked' };
  const who = action.approve.roles ? `a reviewer with role ${action.approve.roles.join(' or ')}` : 'a named reviewer';
  const token = action.approve.token ? ' and the confirmation token' : '';
  return {
    ...base,
    decision: 'approve',
    tokenRequired: action.approve.token,
    ...(action.approve.roles ? { roles: action.approve.roles } : {}),
    reason: `${request.tier} in ${request.environment} needs approval by ${who}${token}${treatedAs}`,
  };
}
