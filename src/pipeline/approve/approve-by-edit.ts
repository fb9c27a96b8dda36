import { judgeDecision } from '../../policy/review-decision.ts';
import { tierGrew, type Tier } from '../../contracts/tier.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { decideApproval, pendingOf } from '../../store/approvals.ts';
import { appendAudit } from '../../store/audit.ts';
import type { PipelineDeps } from '../deps.ts';
import type { Pause } from './record-decision.ts';
import { ok } from '../../contracts/result.ts';

/**
 * An edit that does not raise the tier is approved by the edit itself (if its
 * author may approve this action); a higher tier waits for a new approval.
 * A cleanup is decided on the rows its filter picks, and an edited filter
 * picks rows the editor has not seen measured: it always waits for a new
 * approval. Undefined: the action waits for a reviewer.
 */
export async function approveByEdit(deps: PipelineDeps, state: MigrationState, { threadId, approval, db }: Pause): Promise<Partial<MigrationState> | undefined> {
  const edit = state.edit;
  if (!edit || state.cleanup || tierGrew(edit.fromTier as Tier, approval.tier)) return undefined;
  const approvalId = approval.approval_id;
  const { reviewers, approvalTtlHours: ttlHours } = deps.policy.policy;
  const byEditor = approval.status === 'approved' && approval.decided_by === edit.by; // a re-run after a crash
  const judged = byEditor
    ? ok({ outcome: 'approved', reviewer: edit.by } as const)
    : judgeDecision({ type: 'approve', reviewer: edit.by, token: approval.confirmation_token }, pendingOf(approval), reviewers, { now: deps.clock(), ttlHours });
  if (!judged.ok || judged.value.outcome !== 'approved') return undefined;
  const reason = `edited by ${edit.by} from ${edit.fromApprovalId}; the tier did not grow`;
  const { approval: decided } = await decideApproval(db, approvalId, { status: 'approved', decidedBy: edit.by, reason, decidedAt: deps.clock() });
  if (decided?.status !== 'approved') return undefined;
  await appendAudit(db, {
    threadId,
    approvalId,
    step: 'approve',
    actor: edit.by,
    environment: approval.environment,
    outcome: 'approved',
    message: `Approved by ${edit.by}'s edit in ${approval.environment} (${edit.fromTier} → ${approval.tier}, not higher): ${approval.summary}`,
    detail: { editedFrom: edit.fromApprovalId, previousSql: edit.fromSql },
    eventKey: `${approvalId}:decided`,
  });
  return { approval: { approvalId, status: 'approved', decidedBy: edit.by, reason } };
}
