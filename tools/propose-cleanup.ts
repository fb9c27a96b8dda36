import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { detached } from '../src/runtime/detached.ts';
import { answer, type ToolContext } from './context.ts';
import { proposalSummary, proposalThread } from './proposal-summary.ts';

export const ProposeCleanupInput = z.object({
  table: z.string().min(1).max(200),
  where: z.string().min(1).max(5000).describe('the SQL filter that picks the rows to remove'),
  mode: z.enum(['delete', 'archive']).optional(),
});

/** Hands a cleanup to the cleanup graph, in a thread of its own: dry-run, caps, approval, backup, verify, audit. */
export function proposeCleanupTool(context: ToolContext) {
  let count = 0;
  return tool(
    async ({ table, where, mode }, config) => {
      const outcome = await detached(() =>
        context.propose.cleanup(
          { table, predicate: where, mode: mode ?? 'delete', environment: context.environment, requestedBy: context.agent },
          proposalThread(context, 'cln', config, () => ++count),
        ),
      );
      return answer(proposalSummary(outcome));
    },
    {
      name: 'propose_cleanup',
      description: 'Propose removing (or archiving) the rows a filter picks. A dry-run measures them; over the cap it is blocked, else a human approves.',
      schema: ProposeCleanupInput,
    },
  );
}
