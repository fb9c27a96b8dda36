import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMigration, threadOutcome, type RunOutcome } from '../../threads/migration-runner.ts';
import { INPUT_LIMIT_RULE } from '../../policy/input-limits.ts';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { appendAudit } from '../../store/audit.ts';
import { AirlockError, badInput } from '../../contracts/errors.ts';
import { requesterFrom } from '../identity.ts';
import { note, runCommand } from '../output.ts';
import { readSql } from '../read-sql.ts';
import { renderOutcome } from '../render-outcome.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('run SQL through the checks; pauses for approval when the policy says so')
    .argument('<file>', 'a .sql file, or - for stdin')
    .option('--env <env>', 'the environment it runs against: production, staging, development… (required)')
    .option('--as <who>', 'who is asking (default: AIRLOCK_REVIEWER, then your OS user); agents use agent:NAME')
    .option('--thread <id>', 'name the thread (to find it again after a crash: airlock resume ID)')
    .option('--wait', 'when paused, wait until a reviewer decides (safe to interrupt: the approval stays in the inbox)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, options: { env?: string; as?: string; thread?: string; wait?: boolean; json?: boolean }) =>
      runCommand(options, async () => {
        const environment = options.env?.trim();
        if (!environment) {
          throw badInput('--env is required: name the environment this runs against, e.g. --env production (nothing was run)');
        }
        const sql = await readSql(file).catch(async (error: unknown) => {
          // A text over the input limits is refused before it is parsed, and the attempt is audited (without the text).
          if (error instanceof AirlockError && error.code === INPUT_LIMIT_RULE) {
            const airlock = await useAirlockWorld();
            await appendAudit(airlock.databases.state, {
              step: 'classify',
              actor: requesterFrom(options.as),
              environment,
              outcome: 'blocked',
              message: `Refused before parsing (${environment}): ${error.message}`,
              detail: { rules: [INPUT_LIMIT_RULE], source: file },
            });
          }
          throw error;
        });
        const input = { sql, environment, requestedBy: requesterFrom(options.as) };
        let outcome = await startMigration(input, options.thread?.trim() || undefined);
        if (options.wait) outcome = await waitForDecision(outcome);
        return renderOutcome(outcome);
      }),
    );
}

const POLL_INTERVAL_MS = 1000;

/** Poll the thread's checkpoint until a reviewer (in any process) has decided and the thread has moved on. */
async function waitForDecision(outcome: RunOutcome): Promise<RunOutcome> {
  if (outcome.status !== 'pending_approval') return outcome;
  note(`Paused: waiting for a reviewer to decide ${outcome.approval_id} (airlock show ${outcome.approval_id}).`);
  note('Stopping this wait is safe: the approval stays in the inbox and the thread resumes when it is decided.');
  let current = outcome;
  // After the decision the reviewer's process runs the action; wait until the thread has ended.
  while (current.status === 'pending_approval' || current.in_progress) {
    await sleep(POLL_INTERVAL_MS);
    current = await threadOutcome(outcome.thread_id);
  }
  return current;
}
