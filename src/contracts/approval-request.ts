import { z } from 'zod';
import { Tier } from './tier.ts';
import { BlastRadius } from './blast-radius.ts';

/** The tool name the HITL payload uses for "run this SQL". */
export const RUN_SQL = 'run_sql';

/**
 * The interrupt payload of the approve step. It follows LangChain v1's
 * human-in-the-loop contract (what `humanInTheLoopMiddleware` emits), so Agent
 * Inbox, Studio and SDK clients can render it, plus Airlock's own fields.
 * The confirmation token itself is not in it: the requester sees this payload,
 * and the token is for the reviewer, from `airlock show`.
 */
export const ApprovalRequest = z.object({
  actionRequests: z.array(
    z.object({
      name: z.string(),
      args: z.object({ sql: z.string(), environment: z.string(), target: z.string() }),
      description: z.string(),
    }),
  ),
  reviewConfigs: z.array(
    z.object({ actionName: z.string(), allowedDecisions: z.array(z.enum(['approve', 'edit', 'reject'])) }),
  ),
  approvalId: z.string(),
  threadId: z.string(),
  environment: z.string(),
  tier: Tier,
  summary: z.string(),
  rules: z.array(z.string()),
  requestedBy: z.string(),
  tokenRequired: z.boolean(),
  howToDecide: z.string(),
  /** The blast radius the dry-run measured, when it measured one. */
  blastRadius: BlastRadius.optional(),
  /** What each DROP … CASCADE takes with it, from the catalogue. */
  cascade: z.array(z.object({ statement: z.number(), objects: z.array(z.string()) })).optional(),
  /** What is kept before it runs, and the command that undoes it. */
  undo: z.string().optional(),
  /** Why the previous answer was refused, when the step asks again. */
  refused: z.string().optional(),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;
