import { badInput } from '../contracts/errors.ts';
import { useAirlockWorld } from '../runtime/airlock.ts';
import { findApproval, type Approval } from '../store/approvals.ts';

/**
 * One approval by id, or bad input that says where to find the ids. A module
 * of its own so that `airlock show` reads an approval without loading the
 * graphs that review.ts resumes.
 */
export async function loadApproval(approvalId: string): Promise<Approval> {
  const airlock = await useAirlockWorld();
  const approval = await findApproval(airlock.databases.state, approvalId);
  if (!approval) throw badInput(`no approval ${approvalId}: run "airlock inbox" to list pending approvals`);
  return approval;
}
