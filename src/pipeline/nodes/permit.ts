import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { auditStep } from '../step-audit.ts';
import type { PipelineDeps } from '../deps.ts';
import { actionHash } from '../../policy/action-identity.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { permissionFor } from '../permission.ts';
import { threadIdOf } from './thread-id.ts';

/**
 * Decide what the action needs, by the policy: the environment from every
 * signal (blocked when they disagree), then allow, approve (by whom, with a
 * token or not) or block, by tier, environment and who asks.
 */
export async function permit(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  const { source } = deps.policy;
  const threadId = threadIdOf(config);
  const classification = state.classification!;
  const target = deps.databases.targetIdentity;
  const { signals, resolution, decision } = await permissionFor(deps, state, classification.tier);
  const rules = [...new Set(classification.statements.flatMap((statement) => statement.rules))];

  const environment = resolution.ok ? resolution.value : state.environment;
  let reason: string | undefined;
  if (!resolution.ok) reason = resolution.refusal.message;
  else if (decision!.decision === 'block') {
    const blocking = classification.statements.flatMap((s) => s.findings).filter((f) => f.tier === classification.tier).map((f) => f.rule);
    reason = `blocked by policy in ${environment}${blocking.length ? ` (${[...new Set(blocking)].join(', ')})` : ''}: ${decision!.reason}`;
  }

  await auditStep(config, deps.databases.state, {
    threadId,
    step: 'permit',
    actor: state.requestedBy,
    environment,
    outcome: reason ? 'blocked' : decision!.decision,
    message: reason
      ? `Blocked in ${environment} on ${target}: ${reason}`
      : `${decision!.decision === 'allow' ? 'Allowed' : 'Needs approval'} in ${environment} on ${target}: ${decision!.reason}`,
    detail: { signals, policy: source, rules, tier: classification.tier, ...(decision ? { permit: decision } : {}) },
    eventKey: `${threadId}:permit:${actionHash({ sql: state.sql, environment, target })}`,
  });

  return {
    resolvedEnvironment: environment,
    environmentSignals: signals,
    target,
    actionHash: actionHash({ sql: state.sql, environment, target }),
    ...(decision ? { permission: decision } : {}),
    // The environment's signals disagree (or none was given), or the policy blocks: the check's code.
    ...(reason ? { status: 'blocked' as const, reason, refusalCode: resolution.ok ? decision!.code ?? 'permit' : resolution.refusal.code } : {}),
  };
}
