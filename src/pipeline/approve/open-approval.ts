import { loadSqlParser } from '../../sql/parse-sql.ts';
import type { Approval } from '../../contracts/approval-record.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { requestApproval } from '../../store/approvals.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction } from '../../store/transaction.ts';
import { sendAlert } from '../alerts.ts';
import type { PipelineDeps } from '../deps.ts';
import { approvalRowFor, pausedMessage, undoOfAction } from './approval-row.ts';

/**
 * Write the approval row and the pause's audit entry (in one transaction),
 * and alert on a destructive action. LangGraph re-runs the approve node from its first line
 * on every resume, so each write is idempotent (the row by its id, the entry
 * by its event key) and the alert goes out only with the first entry.
 * Returns the row as it stands (a re-run finds it decided).
 */
export async function openApproval(deps: PipelineDeps, state: MigrationState, threadId: string): Promise<Approval> {
  const db = deps.databases.state;
  const classification = state.classification!;
  await loadSqlParser();
  const undo = undoOfAction(state, threadId);
  // The row and its entry commit together (the entry last: the chain's lock is held until COMMIT).
  const { approval, firstTime } = await inTransaction(db, async (client) => {
    const approval = await requestApproval(client, approvalRowFor(state, threadId, undo));
    const firstTime = await appendAudit(client, {
      threadId,
      approvalId: approval.approval_id,
      step: 'approve',
      actor: state.requestedBy,
      environment: approval.environment,
      outcome: 'pending_approval',
      message: pausedMessage(approval, state, undo),
      detail: { tier: approval.tier, tokenRequired: approval.token_required, ...(undo ? { undo } : {}) },
      eventKey: `${approval.approval_id}:requested`,
    });
    return { approval, firstTime };
  });
  const approvalId = approval.approval_id;
  // After the commit, never inside it: a slow webhook must not hold the audit chain's lock.
  // Alert once (the node re-runs on resume), and only for what cannot be undone.
  if (firstTime && approval.tier === 'destructive' && approval.status === 'pending') {
    await sendAlert(deps, {
      event: 'approval_requested',
      thread_id: threadId,
      approval_id: approvalId,
      environment: approval.environment,
      tier: approval.tier,
      summary: approval.summary,
      requested_by: approval.requested_by,
      rules: classification.statements.flatMap((statement) => statement.rules),
      at: deps.clock().toISOString(),
    });
  }
  return approval;
}
