import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { approveByEdit } from '../approve/approve-by-edit.ts';
import { askReviewer } from '../approve/ask-reviewer.ts';
import { openApproval } from '../approve/open-approval.ts';
import type { PipelineDeps } from '../deps.ts';
import { threadIdOf } from './thread-id.ts';

/**
 * Pause until a named reviewer decides: write the approval row (and alert),
 * let an edit that did not raise the tier approve itself, else ask the
 * reviewer until an answer counts. Everything before `interrupt()` runs
 * again on resume (LangGraph re-runs the node from its first line), so the
 * approval row and its audit entry are written idempotently.
 */
export async function approve(state: MigrationState, config: LangGraphRunnableConfig, deps: PipelineDeps): Promise<Partial<MigrationState>> {
  const threadId = threadIdOf(config);
  const approval = await openApproval(deps, state, threadId);
  const pause = { threadId, approval };
  return (await approveByEdit(deps, state, pause)) ?? askReviewer(deps, state, pause);
}
