import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { PipelineDeps } from '../deps.ts';
import { summarise } from '../../policy/classify.ts';
import { recordApprovalOutcome } from '../../store/approvals.ts';
import { appendAudit } from '../../store/audit.ts';
import { withStepWrites } from '../step-audit.ts';
import { faultPoint } from '../../runtime/fault-injection.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { threadIdOf } from './thread-id.ts';

function nextStep(status: string, noun: string): string | undefined {
  const next: Record<string, string> = {
    completed: 'nothing to do',
    blocked: 'change the SQL or ask for the policy to be changed; nothing was run',
    rejected: `nothing was run; submit a corrected ${noun} if it is still needed`,
    failed: 'nothing was changed; fix the SQL and submit it again',
  };
  return next[status];
}

/** A cleanup's thread carries its table (from the start) and its plan (once prepared). */
function isCleanup(state: MigrationState & { table?: string }): boolean {
  return state.cleanup !== undefined || state.table !== undefined;
}

/** Close the thread's trail with one entry saying how it ended, and what to do next. */
export async function audit(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  // With durability "sync", the execute step's checkpoint is written before this step starts.
  if (state.result) faultPoint('after-checkpoint');
  const threadId = threadIdOf(config);
  const status = state.status ?? 'failed';
  const environment = state.resolvedEnvironment ?? state.environment;
  const summary = state.classification ? summarise(state.classification) : state.sql.slice(0, 100);
  const approvedBy = state.approval?.status === 'approved' ? `, approved by ${state.approval.decidedBy}` : '';
  const detail = state.reason ? `: ${state.reason}` : '';
  const cleanup = isCleanup(state);
  // The approval's outcome and the closing entry commit together, with this step's checkpoint writes (the entry last: the chain's lock is held until COMMIT).
  await withStepWrites(config, deps.databases.state, async (client) => {
    if (state.approval) await recordApprovalOutcome(client, state.approval.approvalId, status);
    await appendAudit(client, {
      threadId,
      ...(state.approval ? { approvalId: state.approval.approvalId } : {}),
      step: 'audit',
      actor: state.requestedBy,
      environment,
      outcome: status,
      message: `${cleanup ? 'Cleanup' : 'Migration'} ${status} in ${environment} (requested by ${state.requestedBy}${approvedBy}): ${summary}${detail}. Next: ${nextStep(status, cleanup ? 'cleanup' : 'migration') ?? 'see airlock history ' + threadId}.`,
      detail: { tier: state.classification?.tier, result: state.result ?? null },
      eventKey: `${threadId}:outcome:${state.actionHash ?? ''}`,
    });
  });
  return { status };
}
