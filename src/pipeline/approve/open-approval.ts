import { loadSqlParser } from '../../sql/parse-sql.ts';
import type { Approval } from '../../contracts/approval-record.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { requestApproval } from '../../store/approvals.ts';
import { appendAudit } from '../../store/audit.ts';
import type { AlertEvent } from '../alerts.ts';
import type { PipelineDeps } from '../deps.ts';

type Queryable = Pick<PipelineDeps['databases']['state'], 'query'>;
import { approvalRowFor, pausedMessage, undoOfAction } from './approval-row.ts';

/**
 * Write the approval row and the pause's audit entry (on the approve step's
 * transaction), and say what to alert on a destructive action. LangGraph re-runs the approve node from its first line
 * on every resume, so each write is idempotent (the row by its id, the entry
 * by its event key) and the alert goes out only with the first entry.
 * Returns the row as it stands (a re-run finds it decided).
 */
export async function openApproval(
  deps: PipelineDeps,
  state: MigrationState,
  threadId: string,
  db: Queryable,
): Promise<{ approval: Approval; alert?: AlertEvent }> {
  const classification = state.classification!;
  await loadSqlParser();
  const undo = undoOfAction(state, threadId);
  const approval = await requestApproval(db, approvalRowFor(state, threadId, undo));
  const approvalId = approval.approval_id;
  // Last of the pause's writes (the chain's lock is held until the step's COMMIT).
  const firstTime = await appendAudit(db, {
    threadId,
    approvalId,
    step: 'approve',
    actor: state.requestedBy,
    environment: approval.environment,
    outcome: 'pending_approval',
    message: pausedMessage(approval, state, undo),
    detail: { tier: approval.tier, tokenRequired: approval.token_required, ...(undo ? { undo } : {}) },
    eventKey: `${approvalId}:requested`,
  });
  // Alert once (the node re-runs on resume), and only for what cannot be undone.
  if (!(firstTime && approval.tier === 'destructive' && approval.status === 'pending')) return { approval };
  return {
    approval,
    alert: {
      event: 'approval_requested',
      thread_id: threadId,
      approval_id: approvalId,
      environment: approval.environment,
      tier: approval.tier,
      summary: approval.summary,
      requested_by: approval.requested_by,
      rules: classification.statements.flatMap((statement) => statement.rules),
      at: deps.clock().toISOString(),
    },
  };
}
