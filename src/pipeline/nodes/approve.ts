import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { actionIdFor, approvalIdFor, confirmationToken, idempotencyKeyFor } from '../../policy/action-identity.ts';
import { undoPathFor } from '../../policy/backup-plan.ts';
import { cleanupFilterOfEdit } from '../../policy/cleanup-request.ts';
import { describeRadius } from '../../policy/blast-radius.ts';
import { loadSqlParser, parseSql } from '../../sql/parse-sql.ts';
import { RUN_SQL, type ApprovalRequest } from '../../contracts/approval-request.ts';
import { summarise } from '../../policy/classify.ts';
import { judgeDecision, readResume } from '../../policy/review-decision.ts';
import { tierGrew, type Tier } from '../../contracts/tier.ts';
import { ok } from '../../contracts/result.ts';
import { useAirlock } from '../../runtime/airlock.ts';
import { AIRLOCK_ITSELF, decideApproval, pendingOf, requestApproval, type Approval } from '../../store/approvals.ts';
import { sendAlert } from '../alerts.ts';
import { appendAudit } from '../../store/audit.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { threadIdOf } from './thread-id.ts';

function requestFor(approval: Approval, state: MigrationState, refused?: string): ApprovalRequest {
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


/**
 * Pause until a named reviewer decides. Everything before `interrupt()` runs
 * again on resume (LangGraph re-runs the node from its first line), so the
 * approval row and its audit entry are written idempotently.
 */
export async function approve(state: MigrationState, config: LangGraphRunnableConfig): Promise<Partial<MigrationState>> {
  const airlock = await useAirlock();
  const db = airlock.databases.state;
  const threadId = threadIdOf(config);
  const classification = state.classification!;
  const approvalId = approvalIdFor(threadId, state.actionHash!);
  await loadSqlParser();
  const parsed = parseSql(state.sql);
  const undo = undoPathFor(
    classification.statements,
    parsed.ok ? parsed.statements.map((statement) => statement.node) : [],
    state.cleanup,
    actionIdFor(idempotencyKeyFor(threadId, state.actionHash!)),
  );

  const approval = await requestApproval(db, {
    approval_id: approvalId,
    thread_id: threadId,
    environment: state.resolvedEnvironment ?? state.environment,
    tier: classification.tier,
    summary: summarise(classification),
    sql: state.sql,
    action: {
      statements: classification.statements,
      target: state.target,
      permit: state.permission,
      environmentSignals: state.environmentSignals,
      ...(state.blastRadius ? { blastRadius: state.blastRadius } : {}),
      ...(state.cascade?.length ? { cascade: state.cascade } : {}),
      ...(undo ? { undo } : {}),
    },
    action_hash: state.actionHash!,
    confirmation_token: confirmationToken(new Date(state.requestedAt!), classification.statements, state.actionHash!),
    token_required: state.permission!.tokenRequired,
    requested_by: state.requestedBy,
    requested_at: new Date(state.requestedAt!),
  });
  const firstTime = await appendAudit(db, {
    threadId,
    approvalId,
    step: 'approve',
    actor: state.requestedBy,
    environment: approval.environment,
    outcome: 'pending_approval',
    message: `Paused for approval in ${approval.environment}: ${approval.summary}.${
      state.blastRadius ? ` Blast radius: ${describeRadius(state.blastRadius)}.` : ''
    }${state.cascade?.length ? ` CASCADE also drops: ${state.cascade.map((one) => one.objects.join(', ')).join('; ')}.` : ''}${undo ? ` Kept before it runs: ${undo}.` : ''} A reviewer decides with "airlock show ${approvalId}", then approve or reject.`,
    detail: { tier: approval.tier, tokenRequired: approval.token_required, ...(undo ? { undo } : {}) },
    eventKey: `${approvalId}:requested`,
  });
  // Alert once (the node re-runs on resume), and only for what cannot be undone.
  if (firstTime && approval.tier === 'destructive' && approval.status === 'pending') {
    await sendAlert(airlock.policy.policy, {
      event: 'approval_requested',
      thread_id: threadId,
      approval_id: approvalId,
      environment: approval.environment,
      tier: approval.tier,
      summary: approval.summary,
      requested_by: approval.requested_by,
      rules: classification.statements.flatMap((statement) => statement.rules),
      at: airlock.clock().toISOString(),
    });
  }

  const reviewers = airlock.policy.policy.reviewers;
  const ttlHours = airlock.policy.policy.approvalTtlHours;
  // An edit that does not raise the tier is approved by the edit itself (if its
  // author may approve this action); a higher tier waits for a new approval.
  // A cleanup is decided on the rows its filter picks, and an edited filter picks
  // rows the editor has not seen measured: it always waits for a new approval.
  if (state.edit && !state.cleanup && !tierGrew(state.edit.fromTier as Tier, approval.tier)) {
    const editor = state.edit.by;
    const byEditor = approval.status === 'approved' && approval.decided_by === editor; // a re-run after a crash
    const judged = byEditor
      ? ok({ outcome: 'approved', reviewer: editor } as const)
      : judgeDecision({ type: 'approve', reviewer: editor, token: approval.confirmation_token }, pendingOf(approval), reviewers, {
          now: airlock.clock(),
          ttlHours,
        });
    if (judged.ok && judged.value.outcome === 'approved') {
      const reason = `edited by ${editor} from ${state.edit.fromApprovalId}; the tier did not grow`;
      const { approval: decided } = await decideApproval(db, approvalId, { status: 'approved', decidedBy: editor, reason, decidedAt: airlock.clock() });
      if (decided?.status === 'approved') {
        await appendAudit(db, {
          threadId,
          approvalId,
          step: 'approve',
          actor: editor,
          environment: approval.environment,
          outcome: 'approved',
          message: `Approved by ${editor}'s edit in ${approval.environment} (${state.edit.fromTier} → ${approval.tier}, not higher): ${approval.summary}`,
          detail: { editedFrom: state.edit.fromApprovalId, previousSql: state.edit.fromSql },
          eventKey: `${approvalId}:decided`,
        });
        return { approval: { approvalId, status: 'approved', decidedBy: editor, reason } };
      }
    }
  }

  // Interrupts in a node are matched to resume values by order; this loop asks
  // again after a refused answer, and replays the same answers in the same
  // order when the node re-runs, so the matching stays stable.
  let refused: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const answer = readResume(interrupt(requestFor(approval, state, refused)));
    const clock = { now: airlock.clock(), ttlHours };
    const judged = answer.ok ? judgeDecision(answer.value, pendingOf(approval), reviewers, clock) : answer;
    // An expired approval is rejected by Airlock itself, never executed.
    if (!judged.ok && judged.refusal.code !== 'approval-expired') {
      refused = judged.refusal.message;
      await appendAudit(db, {
        threadId,
        approvalId,
        step: 'approve',
        actor: (answer.ok ? answer.value.reviewer : undefined) || '(unnamed)',
        environment: approval.environment,
        outcome: 'refused',
        message: `A decision on ${approvalId} was refused: ${judged.refusal.message}. The action is still pending.`,
        eventKey: `${approvalId}:refused:${attempt}`,
      });
      continue;
    }
    const judgement = judged.ok ? judged.value : ({ outcome: 'rejected', reviewer: AIRLOCK_ITSELF, reason: 'expired' } as const);

    if (judgement.outcome === 'edited') {
      const reason = `edited by ${judgement.reviewer}: replaced by the edited SQL, which is checked again`;
      const { approval: decided } = await decideApproval(db, approvalId, { status: 'edited', decidedBy: judgement.reviewer, reason, decidedAt: clock.now });
      if (decided?.status === 'edited') {
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
        return {
          sql: judgement.sql,
          // A cleanup's edit is its filter: prepare builds the DELETE from it again (the graph goes back there).
          ...(state.cleanup ? ({ predicate: cleanupFilterOfEdit(judgement.sql, state.cleanup.table) } as Partial<MigrationState>) : {}),
          approval: { approvalId, status: 'edited', decidedBy: judgement.reviewer },
          edit: { by: judgement.reviewer, fromApprovalId: approvalId, fromTier: approval.tier, fromSql: approval.sql },
        };
      }
      // Someone else decided first: fall through and follow their decision.
    }
    // An edit that lost to another decision is not a decision of its own: it follows that one.
    const status = judgement.outcome === 'edited' ? 'rejected' : judgement.outcome;
    const reason = judgement.outcome === 'rejected' ? judgement.reason : undefined;
    // The CLI usually made this transition already (so that one of many racing
    // reviewers wins); a resume from Studio or an SDK makes it here.
    const { approval: decided } = await decideApproval(db, approvalId, { status, decidedBy: judgement.reviewer, reason, decidedAt: clock.now });
    // Whoever decided first wins, even if that is not this resume's reviewer.
    // Only an approved row runs: rejected, edited (the edited action runs under its own approval) or missing does not.
    const finalStatus = decided?.status === 'approved' ? 'approved' : 'rejected';
    const decidedBy = decided?.decided_by ?? judgement.reviewer;
    const finalReason = decided?.reason ?? reason;
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
    return {
      approval: { approvalId, status: finalStatus, decidedBy, ...(finalReason ? { reason: finalReason } : {}) },
      ...(finalStatus === 'rejected'
        ? { status: 'rejected' as const, reason: `rejected by ${decidedBy}: ${finalReason}` }
        : {}),
    };
  }
}
