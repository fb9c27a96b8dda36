import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { detached } from '../src/runtime/detached.ts';
import { answer, type ToolContext } from './context.ts';
import { proposalSummary, proposalThread } from './proposal-summary.ts';

export const ProposeMigrationInput = z.object({
  sql: z.string().min(1).max(100_000).describe('the migration: one or more SQL statements'),
  why: z.string().max(2000).optional().describe('why, for the reviewer'),
});

/**
 * Hands the SQL to the migration graph, in a thread of its own, in the run's
 * environment (the model cannot choose another): classify, permit, dry-run,
 * caps, approval, backup, audit. It executes nothing by itself.
 */
export function proposeMigrationTool(context: ToolContext) {
  let count = 0;
  return tool(
    async ({ sql }, config) => {
      const outcome = await detached(() =>
        context.propose.migration(
          { sql, environment: context.environment, requestedBy: context.agent },
          proposalThread(context, 'mig', config, () => ++count),
        ),
      );
      return answer(proposalSummary(outcome));
    },
    {
      name: 'propose_migration',
      description: 'Propose SQL that changes the database. It goes through dry-run, caps, human approval, backup and audit; it may be blocked or paused.',
      schema: ProposeMigrationInput,
    },
  );
}
