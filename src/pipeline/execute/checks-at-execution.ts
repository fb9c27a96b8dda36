import { actionHash } from '../../policy/action-identity.ts';
import { tierGrew } from '../../contracts/tier.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import type { PipelineDeps } from '../deps.ts';
import { permissionFor } from '../permission.ts';
import { classifyInTarget } from '../target-lookup.ts';
import { targetFacts } from '../../store/environment-marker.ts';

/** Refused: why, for the person on call (the execute step says that nothing ran and what to do). */
export type ChecksAtExecution = { ok: true; state: MigrationState } | { ok: false; reason: string };

/**
 * The checks again, at execution, from what a LangGraph client cannot write:
 * the SQL (which the approval is bound to), the environment asked for at the
 * request, the target's own signals and the policy file. The graph's state
 * carries the classification, the environment and the permission that the
 * earlier steps worked out, but a client of the graph can rewrite any of them
 * (updateState, Command.update): a paused production DROP TABLE with its
 * permission rewritten to "allow" ran without an approval. So execution
 * trusts none of them. It classifies the SQL again, resolves the environment
 * again and asks the policy again; it runs with what it found, and refuses
 * when that is more than was checked before (a higher tier, another
 * environment, another action).
 */
export async function checksAtExecution(deps: PipelineDeps, state: MigrationState): Promise<ChecksAtExecution> {
  // A replay runs a recorded thread against a scratch copy: the action is the recorded one, on the recorded target's name.
  const target = deps.replay ? (state.target ?? deps.databases.targetIdentity) : deps.databases.targetIdentity;
  // The target's session and marks in one round trip; should that fail, each check reads (and fails closed) on its own.
  const facts = await targetFacts(deps.databases.target).catch(() => undefined);
  const classification = await classifyInTarget(deps.databases.target, state.sql, deps.databases.targetIdentity, facts?.session);
  if (classification.error) return { ok: false, reason: `the SQL does not classify at execution (${classification.error})` };
  const checked = state.classification?.tier;
  if (!checked || tierGrew(checked, classification.tier)) {
    return { ok: false, reason: `the action is ${classification.tier} at execution, but it was checked as ${checked ?? 'nothing'}` };
  }

  const { resolution, decision } = await permissionFor(deps, state, classification.tier, facts?.marks);
  if (!resolution.ok) return { ok: false, reason: resolution.refusal.message };
  const environment = resolution.value;
  if (state.resolvedEnvironment !== undefined && state.resolvedEnvironment !== environment) {
    return { ok: false, reason: `the target is ${environment} at execution, but the action was checked for ${state.resolvedEnvironment}` };
  }

  const asked = decision!;
  if (asked.decision === 'block') return { ok: false, reason: `blocked by policy in ${environment}: ${asked.reason}` };
  // A step after permit may only have asked for more (the dry-run's small-table floor asks for an approval): keep the stricter.
  const permission = asked.decision === 'allow' && state.permission?.decision === 'approve' ? state.permission : asked;
  // The action is this SQL, in this environment, on this target: permit's hash, or the dry-run's, which
  // also binds the rows it measured (pipeline/nodes/dry-run.ts; an edit to SQL it cannot measure keeps permit's).
  const radius = state.blastRadius;
  const measured = radius ? (radius.statements?.reduce((sum, one) => sum + one.rows, 0) ?? radius.rows) : undefined;
  const hashes = [actionHash({ sql: state.sql, environment, target })];
  if (measured !== undefined) hashes.push(actionHash({ sql: state.sql, environment, target, blastRadius: measured }));
  if (!state.actionHash || !hashes.includes(state.actionHash)) return { ok: false, reason: 'the action about to run is not the one that was checked' };
  const hash = state.actionHash;

  return { ok: true, state: { ...state, classification, permission, resolvedEnvironment: environment, target, actionHash: hash } };
}
