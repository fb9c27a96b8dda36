import { badInput } from './errors.ts';
import { startMigration, type RunOutcome } from './migration-runner.ts';
import { undoPlan } from './undo-plan.ts';

/**
 * Undo an action from its backup. The undo is itself an action: classified,
 * audited and approved like any other in that environment. Its thread is named
 * after the action, so an action can be undone once.
 */
export async function undoAction(actionId: string, requestedBy: string): Promise<RunOutcome> {
  const { sql, environment } = await undoPlan(actionId);
  try {
    return await startMigration({ sql, environment, requestedBy, undoOf: actionId }, `undo-${actionId}`);
  } catch (error) {
    if (error instanceof Error && /already exists/.test(error.message)) {
      throw badInput(`${actionId} was already undone, or its undo is waiting for approval: see "airlock history undo-${actionId}"`);
    }
    throw error;
  }
}
