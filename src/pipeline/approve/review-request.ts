import { RUN_SQL, type ApprovalRequest } from '../../contracts/approval-request.ts';
import type { Approval } from '../../contracts/approval-record.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';

/**
 * What the reviewer is shown while the thread waits (the interrupt's value):
 * LangChain's HITL request (actionRequests, reviewConfigs) plus Airlock's own
 * fields, and why the last answer was refused, if it was. Pure.
 */
export function reviewRequestFor(approval: Approval, state: MigrationState, refused?: string): ApprovalRequest {
  const tokenHint = approval.token_required ? ` --token <token from "airlock show ${approval.approval_id}">` : '';
  return {
    actionRequests: [
      {
        name: RUN_SQL,
        args: { sql: approval.sql, environment: approval.environment, target: state.target ?? '' },
        description: `${approval.tier} in ${approval.environment}: ${approval.summary}`,
      },
    ],
    reviewConfigs: [{ actionName: RUN_SQL, allowedDecisions: ['approve', 'edit', 'reject'] }],
    approvalId: approval.approval_id,
    threadId: approval.thread_id,
    environment: approval.environment,
    tier: approval.tier,
    summary: approval.summary,
    rules: state.classification?.statements.flatMap((statement) => statement.rules) ?? [],
    requestedBy: approval.requested_by,
    tokenRequired: approval.token_required,
    ...(state.blastRadius ? { blastRadius: state.blastRadius } : {}),
    ...(state.cascade?.length ? { cascade: state.cascade } : {}),
    ...(approval.action.undo ? { undo: String(approval.action.undo) } : {}),
    howToDecide: `airlock approve ${approval.approval_id} --as REVIEWER${tokenHint}  |  airlock reject ${approval.approval_id} --as REVIEWER --reason TEXT`,
    ...(refused ? { refused } : {}),
  };
}
