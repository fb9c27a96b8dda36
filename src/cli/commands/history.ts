import type { Command } from 'commander';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { auditTrail } from '../../store/audit.ts';
import { badInput, ExitCode } from '../../contracts/errors.ts';
import { compiledGraph } from '../../threads/migration-runner.ts';
import { indent, runCommand } from '../output.ts';

const HISTORY_LIMIT = 100;

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description("the thread's checkpoints, newest first, and its audit trail")
    .argument('<thread>', 'the thread id (from migrate or inbox)')
    .option('--json', 'print one JSON object')
    .action(async (threadId: string, options: { json?: boolean }) =>
      runCommand(options, async () => {
        const airlock = await useAirlockWorld();
        // Any graph reads any thread's checkpoints: the checkpointer is shared.
        const graph = await compiledGraph('migration');
        const checkpoints = [];
        // getStateHistory reads everything unless limited.
        for await (const snapshot of graph.getStateHistory({ configurable: { thread_id: threadId } }, { limit: HISTORY_LIMIT })) {
          const values = snapshot.values as { status?: string };
          checkpoints.push({
            checkpoint_id: snapshot.config.configurable?.checkpoint_id as string,
            created_at: snapshot.createdAt,
            step: snapshot.metadata?.step,
            source: snapshot.metadata?.source,
            next: snapshot.next,
            status: values.status ?? null,
            interrupted: snapshot.tasks.some((task) => (task.interrupts ?? []).length > 0),
          });
        }
        if (checkpoints.length === 0) {
          throw badInput(`no thread ${threadId}: thread ids are printed by "airlock migrate" and listed by "airlock inbox"`);
        }
        const audit = (await auditTrail(airlock.databases.state, threadId)).map((entry) => ({
          at: entry.at.toISOString(),
          step: entry.step,
          actor: entry.actor,
          environment: entry.environment,
          outcome: entry.outcome,
          message: entry.message,
        }));
        const text = [
          `Thread ${threadId}: ${checkpoints.length} checkpoint${checkpoints.length > 1 ? 's' : ''}, newest first`,
          indent(
            checkpoints.map(
              (c) => `step ${String(c.step).padStart(2)}  ${c.created_at}  ${c.source}  next: ${c.next.join(', ') || '(end)'}${c.interrupted ? '  (waiting for approval)' : ''}`,
            ),
          ),
          '',
          'Audit trail, oldest first:',
          indent(audit.map((a) => `${a.at}  ${a.step.padEnd(8)} ${a.outcome.padEnd(16)} ${a.actor}: ${a.message}`)),
        ].join('\n');
        return { json: { thread_id: threadId, checkpoints, audit }, text, exitCode: ExitCode.done };
      }),
    );
}
