import { cleanupFilterOfEdit } from '../../policy/cleanup-request.ts';
import type { Approval } from '../../contracts/approval-record.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { decideApproval } from '../../store/approvals.ts';
import { appendAudit } from '../../store/audit.ts';
import type { PipelineDeps } from '../deps.ts';
import type { Decision } from './screen-decision.ts';

/** The pause a decision answers: its thread, its approval row, and the approve step's transaction (what it writes commits with the step). */
export interface Pause {
  threadId: string;
  approval: Approval;
  db: Pick<PipelineDeps['databases']['state'], 'query'>;
}

/** A refused answer is written down (each attempt once, by its number); the action stays pending. */
export async function recordRefusal(deps: PipelineDeps, pause: Pause, refusal: { attempt: number; actor: string; reason: string }): Promise<void> {
  const { threadId, approval, db } = pause;
  await appendAudit(db, {
    threadId,
    approvalId: approval.approval_id,
    step: 'approve',
    actor: refusal.actor,
    environment: approval.environment,
    outcome: 'refused',
    message: `A decision on ${approval.approval_id} was refused: ${refusal.reason}. The action is still pending.`,
    eventKey: `${approval.approval_id}:refused:${refusal.attempt}`,
  });
}

/**
 * Record a decision that counts, and what the thread does next: an edit
 * sends the edited action back to the checks; otherwise approved or rejected.
 */
export async function recordJudgement(deps: PipelineDeps, state: MigrationState, pause: Pause, judgement: Decision, now: Date): Promise<Partial<MigrationState>> {
  if (judgement.outcome === 'edited') {
    const edited = await recordEdit(deps, state, pause, judgement, now);
    if (edited) return edited;
    // Someone else decided first: fall through and follow their decision.
  }
  return recordDecision(pause, judgement, now);
}

/** The edit replaces the action; undefined when another decision was made first. */
async function recordEdit(
  deps: PipelineDeps,
  state: MigrationState,
  { threadId, approval, db }: Pause,
  judgement: Extract<Decision, { outcome: 'edited' }>,
  now: Date,
): Promise<Partial<MigrationState> | undefined> {
  const approvalId = approval.approval_id;
  const reason = `edited by ${judgement.reviewer}: replaced by the edited SQL, which is checked again`;
  // The decision and its entry commit together (the approve step's transaction).
  const decided = await (async () => {
    const { approval: decided } = await decideApproval(db, approvalId, { status: 'edited', decidedBy: judgement.reviewer, reason, decidedAt: now });
    if (decided?.status !== 'edited') return decided;
    await appendAudit(db, {
      threadId,
      approvalId,
      step: 'approve',
      actor: judgement.reviewer,
      environment: approval.environment,
      outcome: 'edited',
      message: state.cleanup
        ? `Edited by ${judgement.reviewer} in ${approval.environment}: the new filter goes through prepare, classify, permit and the dry-run again, and waits for a new approval; the old action will not run.`
        : `Edited by ${judgement.reviewer} in ${approval.environment}: the new SQL goes through classify and permit again; the old action will not run.`,
      detail: { previousSql: approval.sql, editedSql: judgement.sql },
      eventKey: `${approvalId}:decided`,
    });
    return decided;
  })();
  if (decided?.status !== 'edited') return undefined;
  return {
    sql: judgement.sql,
    // A cleanup's edit is its filter: prepare builds the DELETE from it again (the graph goes back there).
    ...(state.cleanup ? ({ predicate: cleanupFilterOfEdit(judgement.sql, state.cleanup.table) } as Partial<MigrationState>) : {}),
    approval: { approvalId, status: 'edited', decidedBy: judgement.reviewer },
    edit: { by: judgement.reviewer, fromApprovalId: approvalId, fromTier: approval.tier, fromSql: approval.sql },
  };
}

/** Approve or reject, following whichever decision reached the row first. */
async function recordDecision({ threadId, approval, db }: Pause, judgement: Decision, now: Date): Promise<Partial<MigrationState>> {
  const approvalId = approval.approval_id;
  // An edit that lost to another decision is not a decision of its own: it follows that one.
  const status = judgement.outcome === 'edited' ? 'rejected' : judgement.outcome;
  const reason = judgement.outcome === 'rejected' ? judgement.reason : undefined;
  // The CLI usually made this transition already (so that one of many racing
  // reviewers wins); a resume from Studio or an SDK makes it here.
  const { finalStatus, decidedBy, finalReason } = await (async () => {
    const { approval: decided } = await decideApproval(db, approvalId, { status, decidedBy: judgement.reviewer, reason, decidedAt: now });
    // Whoever decided first wins, even if that is not this resume's reviewer.
    // Only an approved row runs: rejected, edited (the edited action runs under its own approval) or missing does not.
    const finalStatus = decided?.status === 'approved' ? ('approved' as const) : ('rejected' as const);
    const decidedBy = decided?.decided_by ?? judgement.reviewer;
    const finalReason = decided?.reason ?? reason;
    // In the approve step's transaction, after the decision (the chain's lock is held until COMMIT).
    await appendAudit(db, {
      threadId,
      approvalId,
      step: 'approve',
      actor: decidedBy,
      environment: approval.environment,
      outcome: finalStatus,
      message:
        finalStatus === 'approved'
          ? `Approved by ${decidedBy} in ${approval.environment}: ${approval.summary}`
          : `Rejected by ${decidedBy} in ${approval.environment}: ${finalReason}. Nothing was run.`,
      detail: { tokenRequired: approval.token_required },
      eventKey: `${approvalId}:decided`,
    });
    return { finalStatus, decidedBy, finalReason };
  })();
  return {
    approval: { approvalId, status: finalStatus, decidedBy, ...(finalReason ? { reason: finalReason } : {}) },
    ...(finalStatus === 'rejected' ? { status: 'rejected' as const, reason: `rejected by ${decidedBy}: ${finalReason}` } : {}),
  };
}
