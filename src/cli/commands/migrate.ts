import fs from 'node:fs';
import type { Command } from 'commander';
import { startMigration } from '../../runtime/migration-runner.ts';
import { badInput } from '../../runtime/errors.ts';
import { requesterFrom } from '../identity.ts';
import { runCommand } from '../output.ts';
import { renderOutcome } from '../render-outcome.ts';

async function readSql(file: string): Promise<string> {
  if (file === '-') {
    if (process.stdin.isTTY) throw badInput('migrate - reads SQL from stdin, but stdin is a terminal: pipe the SQL in, or pass a file');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw badInput(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass the path of a .sql file, or - to read stdin`);
  }
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('run SQL through the checks; pauses for approval when the policy says so')
    .argument('<file>', 'a .sql file, or - for stdin')
    .option('--env <env>', 'the environment it runs against: production, staging, development… (required)')
    .option('--as <who>', 'who is asking (default: AIRLOCK_REVIEWER, then your OS user); agents use agent:NAME')
    .option('--json', 'print one JSON object')
    .action(async (file: string, options: { env?: string; as?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const environment = options.env?.trim();
        if (!environment) {
          throw badInput('--env is required: name the environment this runs against, e.g. --env production (nothing was run)');
        }
        const sql = await readSql(file);
        if (!sql.trim()) throw badInput(`${file === '-' ? 'stdin' : file} holds no SQL: nothing to run`);
        const outcome = await startMigration({ sql, environment, requestedBy: requesterFrom(options.as) });
        return renderOutcome(outcome);
      }),
    );
}
