import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { idempotencyKeyFor } from '../../policy/action-identity.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { faultPoint } from '../../runtime/fault-injection.ts';
import type { PipelineDeps } from '../deps.ts';
import { attemptOnTarget } from '../execute/attempt-on-target.ts';
import { startedEntry, unapprovedEntry } from '../execute/execution-report.ts';
import { missingApproval } from '../execute/missing-approval.ts';
import { executeAuditFor, recordOutcome } from '../execute/record-outcome.ts';
import { threadIdOf } from './thread-id.ts';

/**
 * Run the approved action against the target: refuse what has no approval
 * row for exactly this action, write down who runs what, run it (once: the
 * ledger), then write down how it ended.
 */
export async function execute(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  faultPoint('before-execute');
  const threadId = threadIdOf(config);
  const idempotencyKey = idempotencyKeyFor(threadId, state.actionHash!);
  const audit = executeAuditFor(deps, state, threadId);
  const unapproved = await missingApproval(deps.databases.state, state);
  if (unapproved) {
    const { entry, reason } = unapprovedEntry(state, idempotencyKey, unapproved);
    await audit(entry);
    return { status: 'blocked', reason };
  }
  // Before the effect: who runs what, where, on whose approval. (After it, the outcome.)
  await audit(startedEntry(state, idempotencyKey));
  const attempt = await attemptOnTarget(deps, state, idempotencyKey);
  return recordOutcome(deps, state, { threadId, idempotencyKey, audit }, attempt);
}
