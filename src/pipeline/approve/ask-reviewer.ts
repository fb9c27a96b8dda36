import { interrupt } from '@langchain/langgraph';
import { readResume } from '../../policy/review-decision.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { AIRLOCK_ITSELF, pendingOf } from '../../store/approvals.ts';
import type { PipelineDeps } from '../deps.ts';
import { recordJudgement, recordRefusal, type Pause } from './record-decision.ts';
import { reviewRequestFor } from './review-request.ts';
import { answeredBy, MAX_REFUSED_DECISIONS, rejectionAfterRefusals, screenDecision, TOO_MANY_REFUSED_DECISIONS } from './screen-decision.ts';

/**
 * Pause for a reviewer's answer (`interrupt()`), and ask again after a
 * refused one, at most MAX_REFUSED_DECISIONS times; then Airlock rejects the
 * approval itself, with a refusal code, and nothing runs.
 *
 * Interrupts in a node are matched to resume values by order: on every
 * resume the node re-runs and this loop replays the same answers in the same
 * order (each refusal's audit entry is keyed by its attempt, so it is written
 * once), and the bound is a constant, so the matching stays stable.
 */
export async function askReviewer(deps: PipelineDeps, state: MigrationState, pause: Pause): Promise<Partial<MigrationState>> {
  const { reviewers, approvalTtlHours: ttlHours } = deps.policy.policy;
  let refused = ''; // why the last answer was refused (none yet)
  for (let attempt = 0; attempt < MAX_REFUSED_DECISIONS; attempt++) {
    const answer = readResume(interrupt(reviewRequestFor(pause.approval, state, refused)));
    const now = deps.clock();
    const judgement = screenDecision(answer, pendingOf(pause.approval), reviewers, { now, ttlHours });
    if (judgement.outcome !== 'refused') return recordJudgement(deps, state, pause, judgement, now);
    refused = judgement.reason;
    await recordRefusal(deps, pause, { attempt, actor: answeredBy(answer), reason: judgement.reason });
  }
  const decided = await recordJudgement(deps, state, pause, rejectionAfterRefusals(refused), deps.clock());
  // Only Airlock's own rejection carries the code: a reviewer who decided first is followed as they decided.
  const stoppedAsking = decided.approval?.status === 'rejected' && decided.approval.decidedBy === AIRLOCK_ITSELF;
  return stoppedAsking ? { ...decided, refusalCode: TOO_MANY_REFUSED_DECISIONS } : decided;
}
