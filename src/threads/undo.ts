import { AirlockError, badInput } from '../contracts/errors.ts';
import { startMigration, threadOutcome, type RunOutcome } from './migration-runner.ts';
import { pendingInterrupts } from './migration-runner.ts';
import { undoPlan } from '../pipeline/undo-plan.ts';

// Past this many undo attempts of one action, something is wrong: refuse rather than keep opening threads.
const MAX_UNDO_ATTEMPTS = 20;

/** The thread of the n-th attempt to undo an action: `undo-ACT`, then `undo-ACT-2`, `undo-ACT-3`… */
export function undoThreadId(actionId: string, attempt: number): string {
  return attempt === 1 ? `undo-${actionId}` : `undo-${actionId}-${attempt}`;
}

/**
 * Where the earlier attempts to undo this action stand: the first free attempt
 * number, or why no new attempt may start (one is waiting, running, or
 * already put the rows back). A rejected, expired or blocked undo, or one that
 * failed before its effect committed, leaves the action undoable.
 */
async function nextAttempt(actionId: string): Promise<number> {
  for (let attempt = 1; attempt <= MAX_UNDO_ATTEMPTS; attempt++) {
    const threadId = undoThreadId(actionId, attempt);
    if (!(await pendingInterrupts(threadId))) return attempt;
    const earlier = await threadOutcome(threadId);
    if (earlier.status === 'pending_approval') {
      throw badInput(`${actionId}'s undo is already waiting for approval (${earlier.approval_id}): see "airlock show ${earlier.approval_id}"`);
    }
    if (earlier.in_progress) {
      throw badInput(`${actionId}'s undo ${threadId} is running or stopped part-way: continue it with "airlock resume ${threadId}"`);
    }
    const committed = earlier.result && !earlier.result.rolledBack;
    if (earlier.status === 'completed' || committed) {
      throw badInput(`${actionId} was already undone by ${threadId} (${earlier.status}): see "airlock history ${threadId}"`);
    }
  }
  throw new AirlockError(
    `${actionId} has had ${MAX_UNDO_ATTEMPTS} undo attempts already, none of which ran: restore it by hand from its backup ("airlock backups")`,
  );
}

/**
 * Undo an action from its backup. The undo is itself an action: classified,
 * audited and approved like any other in that environment. Its threads are
 * named after the action, so what is kept is put back at most once; a
 * rejected or expired undo can be asked for again.
 */
export async function undoAction(actionId: string, requestedBy: string): Promise<RunOutcome> {
  const { sql, environment } = await undoPlan(actionId);
  const attempt = await nextAttempt(actionId);
  return startMigration({ sql, environment, requestedBy, undoOf: actionId }, undoThreadId(actionId, attempt));
}
