import type { Command } from 'commander';
import { resumeAgent } from '../../threads/agent-runner.ts';
import { isAgentThread, resumeThread } from '../../threads/migration-runner.ts';
import { renderAgentOutcome } from './agent.ts';
import { note, runCommand } from '../output.ts';
import { renderOutcome } from '../render-outcome.ts';

export function registerResume(program: Command): void {
  program
    .command('resume')
    .description('continue a thread that stopped (crash, restart); nothing done is redone')
    .argument('<thread>', 'the thread id')
    .option('--json', 'print one JSON object')
    .action(async (threadId: string, options: { json?: boolean }) =>
      runCommand(options, async () => {
        if (await isAgentThread(threadId)) {
          const agent = await resumeAgent(threadId);
          if (!agent.resumed) note(`Thread ${threadId} had already ended (${agent.status}); nothing was run.`);
          const rendered = renderAgentOutcome(agent);
          return { ...rendered, json: { ...rendered.json, resumed: agent.resumed } };
        }
        const outcome = await resumeThread(threadId);
        if (!outcome.resumed) {
          note(
            outcome.status === 'pending_approval'
              ? `Thread ${threadId} is waiting for a decision on ${outcome.approval_id}; nothing to resume until it is approved or rejected.`
              : `Thread ${threadId} had already ended (${outcome.status}); nothing was run.`,
          );
        }
        const { resumed, ...rest } = outcome;
        const rendered = renderOutcome(rest);
        return { ...rendered, json: { ...rendered.json, resumed } };
      }),
    );
}
