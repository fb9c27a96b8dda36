import type { Command } from 'commander';
import { loadApproval } from '../../threads/load-approval.ts';
import { review } from '../../threads/review.ts';
import { reviewerFrom } from '../identity.ts';
import { readSql } from '../read-sql.ts';
import { note, runCommand } from '../output.ts';
import { renderOutcome } from '../render-outcome.ts';

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('approve a pending action; the thread resumes and runs it')
    .argument('<id>', 'the approval id (from airlock inbox)')
    .option('--as <who>', 'the reviewer (default: AIRLOCK_REVIEWER)')
    .option('--token <token>', 'the confirmation token from "airlock show ID" (required for destructive actions)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, options: { as?: string; token?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const reviewer = reviewerFrom(options.as, 'approve');
        const approval = options.token ? await loadApproval(id) : undefined;
        const outcome = await review(id, { type: 'approve', reviewer, ...(options.token ? { token: options.token } : {}) });
        if (approval && !approval.token_required) {
          note(`note: ${id} is a ${approval.tier} action and needs no confirmation token; the --token given matched it, and was not needed`);
        }
        return renderOutcome(outcome);
      }),
    );
}

export function registerReject(program: Command): void {
  program
    .command('reject')
    .description('reject a pending action; the thread ends and nothing runs')
    .argument('<id>', 'the approval id (from airlock inbox)')
    .option('--as <who>', 'the reviewer (default: AIRLOCK_REVIEWER)')
    .option('--reason <text>', 'why, for the requester and the audit trail')
    .option('--json', 'print one JSON object')
    .action(async (id: string, options: { as?: string; reason?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const reviewer = reviewerFrom(options.as, 'reject');
        const outcome = await review(id, { type: 'reject', reviewer, ...(options.reason ? { reason: options.reason } : {}) });
        return renderOutcome(outcome, { rejectedIsSuccess: true });
      }),
    );
}

export function registerEdit(program: Command): void {
  program
    .command('edit')
    .description('replace a pending action\'s SQL; the new SQL is checked again, and needs a new approval if its tier is higher')
    .argument('<id>', 'the approval id (from airlock inbox)')
    .argument('<file>', 'the SQL to run instead: a .sql file, or - for stdin')
    .option('--as <who>', 'the reviewer (default: AIRLOCK_REVIEWER)')
    .option('--token <token>', 'the confirmation token of the action being edited, when it needs one')
    .option('--json', 'print one JSON object')
    .action(async (id: string, file: string, options: { as?: string; token?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const reviewer = reviewerFrom(options.as, 'edit');
        const editedSql = await readSql(file);
        return renderOutcome(await review(id, { type: 'edit', reviewer, editedSql, ...(options.token ? { token: options.token } : {}) }));
      }),
    );
}
