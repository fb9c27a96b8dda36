import type { Result } from '../../contracts/result.ts';
import { judgeDecision, type Judgement, type PendingApproval, type Reviewers, type ReviewerDecision, type ResumeRefusalCode } from '../../policy/review-decision.ts';
import { AIRLOCK_ITSELF } from '../../store/approvals.ts';

/** A screened answer that decides (approve, edit, reject), as opposed to one refused. */
export type Decision = Judgement;
/** A reviewer's answer once screened: an expired approval has already become Airlock's own rejection. */
export type Screened = Decision | { outcome: 'refused'; reason: string; code: string };
/** A resume value as read: the reviewer's decision, or why it could not be read. */
type Answer = Result<ReviewerDecision, ResumeRefusalCode>;

/**
 * Whether an answer counts, and as what. A resume value that could not be
 * read is refused with why; an approval past its TTL is rejected by Airlock
 * itself, never executed. Pure: the clock is an argument.
 */
export function screenDecision(
  answer: Answer,
  approval: PendingApproval,
  reviewers: Reviewers,
  clock: { now: Date; ttlHours: number },
): Screened {
  const judged = answer.ok ? judgeDecision(answer.value, approval, reviewers, clock) : answer;
  if (judged.ok) return judged.value;
  if (judged.refusal.code === 'approval-expired') return { outcome: 'rejected', reviewer: AIRLOCK_ITSELF, reason: 'expired' };
  return { outcome: 'refused', reason: judged.refusal.message, code: judged.refusal.code };
}

/** Who gave the answer, for the audit entry of a refusal. */
export function answeredBy(answer: Answer): string {
  return (answer.ok ? answer.value.reviewer : undefined) || '(unnamed)';
}

/**
 * How many refused answers in a row the approve step asks again after; then
 * Airlock rejects the approval itself (nothing runs). The CLI screens a
 * decision before it resumes the thread, so only SDK or Studio clients reach
 * this count; a person retrying a mistyped token stays far below it, while a
 * client that loops without reading `refused` is stopped. Generous, but
 * bounded because every resume re-runs the node and replays every earlier
 * answer (and its audit write): the work grows with the square of the count.
 */
export const MAX_REFUSED_DECISIONS = 25;

/** The refusal code of a thread whose reviewer's answers were refused until Airlock stopped asking. */
export const TOO_MANY_REFUSED_DECISIONS = 'too-many-refused-decisions';

/** Airlock's own rejection once MAX_REFUSED_DECISIONS answers were refused, with the last refusal's reason. Pure. */
export function rejectionAfterRefusals(lastRefusal: string): Extract<Decision, { outcome: 'rejected' }> {
  return {
    outcome: 'rejected',
    reviewer: AIRLOCK_ITSELF,
    reason: `${MAX_REFUSED_DECISIONS} decisions in a row were refused (the last: ${lastRefusal}), so Airlock stopped asking (${TOO_MANY_REFUSED_DECISIONS}); submit the action again and decide it with "airlock approve" or "airlock reject"`,
  };
}
