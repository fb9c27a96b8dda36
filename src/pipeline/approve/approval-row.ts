import { actionIdFor, approvalIdFor, confirmationToken, idempotencyKeyFor } from '../../policy/action-identity.ts';
import { undoPathFor } from '../../policy/backup-plan.ts';
import { describeRadius } from '../../policy/blast-radius.ts';
import { summarise } from '../../policy/classify.ts';
import { parseSql } from '../../sql/parse-sql.ts';
import type { Approval, ApprovalRequestRow } from '../../contracts/approval-record.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';

/** How what the action destroys is kept before it runs, for the reviewer to read; undefined: nothing is kept. The parser must be loaded. */
export function undoOfAction(state: MigrationState, threadId: string): string | undefined {
  const parsed = parseSql(state.sql);
  return undoPathFor(
    state.classification!.statements,
    parsed.ok ? parsed.statements.map((statement) => statement.node) : [],
    state.cleanup,
    actionIdFor(idempotencyKeyFor(threadId, state.actionHash!)),
  );
}

/** The approvals row a pause writes: the action as checked, bound to its hash and its confirmation token. Pure. */
export function approvalRowFor(state: MigrationState, threadId: string, undo: string | undefined): ApprovalRequestRow {
  const classification = state.classification!;
  return {
    approval_id: approvalIdFor(threadId, state.actionHash!),
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
  };
}

/** The audit sentence of the pause: what waits, how big, what CASCADE reaches, what is kept, how to decide. Pure. */
export function pausedMessage(approval: Approval, state: MigrationState, undo: string | undefined): string {
  const radius = state.blastRadius ? ` Blast radius: ${describeRadius(state.blastRadius)}.` : '';
  const cascade = state.cascade?.length ? ` CASCADE also drops: ${state.cascade.map((one) => one.objects.join(', ')).join('; ')}.` : '';
  const kept = undo ? ` Kept before it runs: ${undo}.` : '';
  return `Paused for approval in ${approval.environment}: ${approval.summary}.${radius}${cascade}${kept} A reviewer decides with "airlock show ${approval.approval_id}", then approve or reject.`;
}
