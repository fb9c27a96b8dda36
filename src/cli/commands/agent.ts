import type { Command } from 'commander';
import { runAgent, type AgentOutcome } from '../../threads/agent-runner.ts';
import { badInput, ExitCode } from '../../contracts/errors.ts';
import { requesterFrom } from '../identity.ts';
import { indent, runCommand, type CommandResult } from '../output.ts';

const DEFAULT_ROLE = 'assistant';

export function renderAgentOutcome(outcome: AgentOutcome): CommandResult {
  const exitCode =
    outcome.status === 'blocked' ? ExitCode.blocked : outcome.pending_approvals.length ? ExitCode.paused : outcome.status === 'stopped' ? ExitCode.failed : ExitCode.done;
  const calls = outcome.tools.map((entry) => {
    const what = entry.status ? `${entry.outcome} → ${entry.status}${entry.approvalId ? ` (${entry.approvalId})` : ''}` : entry.outcome;
    return `${entry.tool} ${JSON.stringify(entry.args).slice(0, 120)}: ${what}${entry.rule ? ` [${entry.rule}]` : ''}${entry.message && entry.outcome !== 'ran' ? ` — ${entry.message}` : ''}`;
  });
  const head =
    outcome.status === 'blocked'
      ? `BLOCKED in ${outcome.environment}: ${outcome.reason}. No model was called, nothing ran.`
      : outcome.status === 'stopped'
        ? `STOPPED in ${outcome.environment}: ${outcome.reason}.`
        : `${outcome.agent} finished in ${outcome.environment} (${outcome.model_calls} model call${outcome.model_calls === 1 ? '' : 's'}).`;
  const text = [
    head,
    ...(calls.length ? ['Tool calls, each through guard → permit:', indent(calls)] : []),
    ...(outcome.answer ? ['', outcome.answer] : []),
    ...(outcome.pending_approvals.length
      ? ['', `Waiting for a reviewer: ${outcome.pending_approvals.join(', ')}. See "airlock show ID", then approve or reject.`]
      : []),
    `thread ${outcome.thread_id}`,
  ].join('\n');
  return { json: { ...outcome, exit_code: exitCode } as unknown as Record<string, unknown>, text, exitCode };
}

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('the LLM agent: narrow tools, every call through guard → permit, every change through the migration or cleanup graph')
    .argument('<task>', 'what to do, in words (e.g. "remove sessions older than 30 days")')
    .option('--env <env>', 'the environment it works in (required)')
    .option('--as <who>', 'who starts the run')
    .option('--role <name>', `the agent's role in the policy (agents.NAME); it acts as agent:NAME`, DEFAULT_ROLE)
    .option('--thread <id>', 'name the thread')
    .option('--json', 'print one JSON object')
    .action(async (task: string, options: { env?: string; as?: string; role: string; thread?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const environment = options.env?.trim();
        if (!environment) throw badInput('--env is required: name the environment the agent works in, e.g. --env staging (nothing was run)');
        if (!task.trim()) throw badInput('the task is empty: say what the agent should do, in words (nothing was run)');
        const role = options.role.trim().replace(/^agent:/, '');
        if (!/^[A-Za-z0-9_.-]+$/.test(role)) throw badInput(`--role "${options.role}" is not a role name: use letters, digits, . _ or - (nothing was run)`);
        const outcome = await runAgent(
          { task, environment, requestedBy: requesterFrom(options.as), role },
          options.thread?.trim() || undefined,
        );
        return renderAgentOutcome(outcome);
      }),
    );
}
