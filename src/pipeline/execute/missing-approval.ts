import type pg from 'pg';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { findApproval } from '../../store/approvals.ts';

/**
 * Nothing that needed an approval runs without its approvals row saying
 * "approved" for exactly this action. The graph's state alone is not proof:
 * a LangGraph client can write state as if the approve node had run
 * (updateState, Command.update/goto), and that must not stand in for a reviewer.
 * Undefined: it may run; otherwise why not.
 */
export async function missingApproval(db: Pick<pg.Pool, 'query'>, state: MigrationState): Promise<string | undefined> {
  if (state.permission?.decision === 'allow') return undefined;
  const approvalId = state.approval?.approvalId;
  const row = approvalId ? await findApproval(db, approvalId) : undefined;
  if (!row) return 'it needs an approval, and no approval of it was recorded';
  if (row.status !== 'approved') return `its approval ${row.approval_id} is ${row.status}, not approved`;
  if (row.action_hash !== state.actionHash || row.sql !== state.sql) {
    return `approval ${row.approval_id} was given for another action than the one about to run`;
  }
  return undefined;
}
