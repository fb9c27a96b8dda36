import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { idempotencyKeyFor } from '../../policy/action-identity.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { faultPoint } from '../../runtime/fault-injection.ts';
import type { PipelineDeps } from '../deps.ts';
import { attemptOnTarget } from '../execute/attempt-on-target.ts';
import { completedEntry, startedEntry, unapprovedEntry } from '../execute/execution-report.ts';
import { checksAtExecution } from '../execute/checks-at-execution.ts';
import { missingApproval } from '../execute/missing-approval.ts';
import { executeAuditFor, recordOutcome } from '../execute/record-outcome.ts';
import { inTransaction } from '../../store/transaction.ts';
import { threadIdOf } from './thread-id.ts';

/**
 * Run the approved action against the target: check it again from what the
 * graph's state cannot forge, refuse what has no approval row for exactly
 * this action, write down who runs what, run it (once: the
 * ledger), then write down how it ended.
 */
export async function execute(given: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  faultPoint('before-execute');
  const threadId = threadIdOf(config);
  const idempotencyKey = idempotencyKeyFor(threadId, given.actionHash!);
  // What the state says was checked, checked again from what cannot be forged; from here on, what was found.
  const checked = await checksAtExecution(deps, given);
  const state = checked.ok ? checked.state : given;
  const audit = executeAuditFor(deps, state, threadId);
  // The approval row is read, and the entry before the effect written, in one transaction.
  const unapproved = await inTransaction(deps.databases.state, async (client) => {
    const unapproved = checked.ok ? await missingApproval(client, state) : checked.reason;
    if (unapproved) {
      const { entry, reason } = unapprovedEntry(state, idempotencyKey, unapproved);
      await audit(entry, client);
      return { reason };
    }
    // Before the effect: who runs what, where, on whose approval. (After it, the outcome.)
    await audit(startedEntry(state, idempotencyKey), client);
    return undefined;
  });
  if (unapproved) return { status: 'blocked', reason: unapproved.reason };
  const attempt = await attemptOnTarget(deps, state, idempotencyKey, (client, result) => audit(completedEntry(state, idempotencyKey, result), client));
  return recordOutcome(deps, state, { threadId, idempotencyKey, audit }, attempt);
}
