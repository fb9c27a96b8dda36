import { RUN_SQL } from '../contracts/approval-request.ts';
import { judgeDecision, type Judgement, type JudgementRefusalCode } from '../policy/review-decision.ts';
import { useAirlock } from '../runtime/airlock.ts';
import { AIRLOCK_ITSELF, decideApproval, findApproval, pendingOf, type Approval } from '../store/approvals.ts';
import { appendAudit } from '../store/audit.ts';
import { badInput } from '../contracts/errors.ts';
import { refuse as refusalOf, type Refusal } from '../contracts/result.ts';
import { loadApproval } from './load-approval.ts';
import { sameName } from '../policy/principal-name.ts';
import { resumeWithDecision, waitingInterrupt, type RunOutcome } from './migration-runner.ts';

export interface ReviewRequest {
  type: 'approve' | 'reject' | 'edit';
  reviewer: string;
  token?: string;
  reason?: string;
  /** For `edit`: the SQL to run instead. */
  editedSql?: string;
}

const DECIDED_STATUS = { approve: 'approved', reject: 'rejected', edit: 'edited' } as const;

/** What the checks made of a decision before it reaches the thread. */
export type Screening =
  | { kind: 'proceed'; judgement: Judgement }
  /** The same reviewer repeating their own decision after a crash between deciding and resuming. */
  | { kind: 'repeat' }
  | { kind: 'refused'; refusal: Refusal<RefusalCode> };

/** Why a decision was refused, for code that acts on it (never the message): it was decided already, or the check that failed. */
export type RefusalCode = 'already-decided' | JudgementRefusalCode;

/**
 * The checks every decision passes before it reaches the thread, whether it
 * comes from the CLI or through the LangGraph API (\`airlock serve\`): the
 * approval must still be pending, unexpired, and the reviewer, role, four eyes
 * and token must hold. A refusal is audited; an expired approval is rejected
 * by Airlock itself and its thread ended.
 */
export async function screenDecision(approval: Approval, request: ReviewRequest): Promise<Screening> {
  const airlock = await useAirlock();
  const db = airlock.databases.state;
  const approvalId = approval.approval_id;
  const refuse = async (code: RefusalCode, reason: string): Promise<Screening> => {
    await auditRefusal(approval, request, reason);
    return { kind: 'refused', refusal: refusalOf(code, reason) };
  };

  if (approval.status !== 'pending') {
    const repeat = request.type !== 'edit' && approval.status === DECIDED_STATUS[request.type] && sameName(approval.decided_by ?? '', request.reviewer);
    if (repeat && (await waitingInterrupt(approval.thread_id, approvalId))) return { kind: 'repeat' };
    const when = approval.decided_at?.toISOString() ?? 'an unknown time';
    const outcome = approval.outcome ? ` (outcome: ${approval.outcome})` : '';
    return refuse('already-decided', `${approvalId} was already ${approval.status} by ${approval.decided_by} at ${when}${outcome}: nothing more to do`);
  }

  const clock = { now: airlock.clock(), ttlHours: airlock.policy.policy.approvalTtlHours };
  const judged = judgeDecision({ ...request }, pendingOf(approval), airlock.policy.policy.reviewers, clock);
  if (!judged.ok && judged.refusal.code === 'approval-expired') {
    // Expired approvals are rejected, never executed: end the thread, then tell the reviewer.
    const { won } = await decideApproval(db, approvalId, { status: 'rejected', decidedBy: AIRLOCK_ITSELF, reason: 'expired', decidedAt: clock.now });
    if (won) {
      await resumeWithDecision(approval.thread_id, approvalId, {
        decisions: [{ type: 'reject', message: 'expired' }],
        reviewer: AIRLOCK_ITSELF,
      });
    }
    return refuse(judged.refusal.code, judged.refusal.message);
  }
  if (!judged.ok) return refuse(judged.refusal.code, `${judged.refusal.message} (${approvalId} is still pending; nothing was run)`);
  return { kind: 'proceed', judgement: judged.value };
}

async function auditRefusal(approval: Approval, request: ReviewRequest, reason: string): Promise<void> {
  const airlock = await useAirlock();
  await appendAudit(airlock.databases.state, {
    threadId: approval.thread_id,
    approvalId: approval.approval_id,
    step: request.type,
    actor: request.reviewer || '(unnamed)',
    environment: approval.environment,
    outcome: 'refused',
    message: `${request.reviewer || 'someone unnamed'} tried to ${request.type} ${approval.approval_id} in ${approval.environment} and was refused: ${reason}`,
  });
}

/**
 * A reviewer's decision, from the CLI (or the demo). Checks it, makes the
 * atomic pending → decided transition (one of many racing reviewers wins),
 * then resumes the waiting thread, which runs the action or ends it.
 */
export async function review(approvalId: string, request: ReviewRequest): Promise<RunOutcome> {
  const airlock = await useAirlock();
  const db = airlock.databases.state;
  const approval = await loadApproval(approvalId);
  const screening = await screenDecision(approval, request);
  if (screening.kind === 'refused') throw badInput(screening.refusal.message, screening.refusal.code);
  if (screening.kind === 'repeat') {
    return resumeWithDecision(approval.thread_id, approvalId, {
      decisions: [request.type === 'approve' ? { type: 'approve' } : { type: 'reject', message: approval.reason ?? undefined }],
      reviewer: request.reviewer,
      token: approval.confirmation_token,
    });
  }

  const { judgement } = screening;
  const status = DECIDED_STATUS[request.type];
  const reason =
    judgement.outcome === 'rejected'
      ? judgement.reason
      : judgement.outcome === 'edited'
        ? `edited by ${request.reviewer}: replaced by the edited SQL, which is checked again`
        : undefined;
  const { won, approval: after } = await decideApproval(db, approvalId, { status, decidedBy: request.reviewer, reason, decidedAt: airlock.clock() });
  if (!won) {
    const lost = `${approvalId} was already ${after?.status} by ${after?.decided_by} at ${after?.decided_at?.toISOString()}: your ${request.type} was not applied`;
    await auditRefusal(approval, request, lost);
    throw badInput(lost);
  }
  const decision =
    request.type === 'approve'
      ? ({ type: 'approve' } as const)
      : request.type === 'edit'
        ? ({ type: 'edit', editedAction: { name: RUN_SQL, args: { sql: request.editedSql! } } } as const)
        : ({ type: 'reject', ...(reason ? { message: reason } : {}) } as const);
  return resumeWithDecision(approval.thread_id, approvalId, {
    decisions: [decision],
    reviewer: request.reviewer,
    ...(request.token ? { token: request.token } : {}),
  });
}
