import type { Command } from 'commander';
import { startCleanup } from '../../threads/migration-runner.ts';
import { badInput } from '../../contracts/errors.ts';
import { requesterFrom } from '../identity.ts';
import { runCommand } from '../output.ts';
import { renderOutcome } from '../render-outcome.ts';

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('delete (or archive) the rows a filter picks, after a dry-run shows how many; over the cap it is blocked')
    .requiredOption('--table <table>', 'the table, optionally schema-qualified')
    .requiredOption('--where <predicate>', 'the filter that picks the rows to remove (SQL, read-only)')
    .option('--mode <mode>', 'delete (default), or archive: move the rows into TABLE_archive', 'delete')
    .option('--env <env>', 'the environment it runs against (required)')
    .option('--as <who>', 'who is asking (agents: agent:NAME)')
    .option('--thread <id>', 'name the thread (to find it again after a crash)')
    .option('--json', 'print one JSON object')
    .action(async (options: { table: string; where: string; mode: string; env?: string; as?: string; thread?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const environment = options.env?.trim();
        if (!environment) throw badInput('--env is required: name the environment this runs against, e.g. --env production (nothing was run)');
        if (options.mode !== 'delete' && options.mode !== 'archive') {
          throw badInput(`--mode ${options.mode} is not a mode: use --mode delete, or --mode archive to move the rows into TABLE_archive (nothing was run)`);
        }
        const outcome = await startCleanup(
          { table: options.table, predicate: options.where, mode: options.mode, environment, requestedBy: requesterFrom(options.as) },
          options.thread?.trim() || undefined,
        );
        return renderOutcome(outcome);
      }),
    );
}
