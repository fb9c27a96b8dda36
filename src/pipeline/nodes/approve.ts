import { isGraphInterrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { inTransaction } from '../../store/transaction.ts';
import { sendAlert, type AlertEvent } from '../alerts.ts';
import { approveByEdit } from '../approve/approve-by-edit.ts';
import { askReviewer } from '../approve/ask-reviewer.ts';
import { openApproval } from '../approve/open-approval.ts';
import type { PipelineDeps } from '../deps.ts';
import { threadIdOf } from './thread-id.ts';

/**
 * Pause until a named reviewer decides: write the approval row (and alert),
 * let an edit that did not raise the tier approve itself, else ask the
 * reviewer until an answer counts. Everything before `interrupt()` runs
 * again on resume (LangGraph re-runs the node from its first line), so the
 * approval row and its audit entry are written idempotently.
 *
 * Each run of the step is one transaction: the row, the decision and their
 * entries commit together, when the step returns or when it pauses
 * (interrupt() throws, and what was written before it stays). The alert goes
 * out after the commit: a slow webhook must not hold the audit chain's lock.
 */
export async function approve(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  const threadId = threadIdOf(config);
  let alert: AlertEvent | undefined;
  const alertOnce = async () => {
    if (alert) await sendAlert(deps, alert);
    alert = undefined;
  };
  try {
    const update = await inTransaction(
      deps.databases.state,
      async (db) => {
        const opened = await openApproval(deps, state, threadId, db);
        alert = opened.alert;
        const pause = { threadId, approval: opened.approval, db };
        return (await approveByEdit(deps, state, pause)) ?? (await askReviewer(deps, state, pause));
      },
      { commitWhen: isGraphInterrupt },
    );
    await alertOnce();
    return update;
  } catch (error) {
    if (isGraphInterrupt(error)) await alertOnce();
    throw error;
  }
}
