import { summarise } from '../../policy/classify.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { appendAudit } from '../../store/audit.ts';
import { sendAlert } from '../alerts.ts';
import type { PipelineDeps } from '../deps.ts';
import type { Attempt } from './attempt.ts';
import { completedEntry, failedEntry, recountEntry, type ExecuteEntry } from './execution-report.ts';

/** Writes one of the execute step's entries (on `db`: a transaction's client, or the pool); false when it was already there (a re-run). */
export type ExecuteAudit = (entry: ExecuteEntry, db?: Queryable) => Promise<boolean>;

type Queryable = Pick<PipelineDeps['databases']['state'], 'query'>;

/** Every row the execute step writes names the thread, the step, who answers for it and where. */
export function executeAuditFor(deps: PipelineDeps, state: MigrationState, threadId: string): ExecuteAudit {
  const environment = state.resolvedEnvironment ?? state.environment;
  const actor = state.approval?.decidedBy ?? state.requestedBy;
  return (entry, db = deps.databases.state) => appendAudit(db, { threadId, step: 'execute', actor, environment, ...entry });
}

/**
 * After the effect, its outcome: the rows changed since approval (measure and
 * ask again), failed and rolled back, or done; a destructive action that ran
 * is alerted once.
 */
export async function recordOutcome(
  deps: PipelineDeps,
  state: MigrationState,
  run: { threadId: string; idempotencyKey: string; audit: ExecuteAudit },
  attempt: Attempt,
): Promise<Partial<MigrationState>> {
  if (!attempt.ok && 'recount' in attempt) {
    await run.audit(recountEntry(state, run.idempotencyKey, attempt.recount));
    return { recount: attempt.recount };
  }
  if (!attempt.ok) {
    const { entry, reason } = failedEntry(state, run.idempotencyKey, attempt);
    await run.audit(entry);
    return { status: 'failed', reason };
  }
  const { result } = attempt;
  // Written already in the effect's transaction (same database), or now.
  const firstRecord = attempt.recorded ?? (await run.audit(completedEntry(state, run.idempotencyKey, result)));
  const classification = state.classification!;
  if (firstRecord && !result.alreadyDone && !result.rolledBack && classification.tier === 'destructive') {
    await sendAlert(deps, {
      event: 'executed',
      thread_id: run.threadId,
      ...(state.approval ? { approval_id: state.approval.approvalId, decided_by: state.approval.decidedBy } : {}),
      environment: state.resolvedEnvironment ?? state.environment,
      tier: classification.tier,
      summary: summarise(classification),
      requested_by: state.requestedBy,
      rules: [...new Set(classification.statements.flatMap((statement) => statement.rules))],
      at: deps.clock().toISOString(),
    });
  }
  return { status: 'completed', result };
}
