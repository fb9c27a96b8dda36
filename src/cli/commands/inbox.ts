import { describeRadius } from '../../policy/blast-radius.ts';
import type { Command } from 'commander';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { pendingApprovals } from '../../store/approvals.ts';
import { ExitCode } from '../../contracts/errors.ts';
import { age, runCommand } from '../output.ts';

export function registerInbox(program: Command): void {
  program
    .command('inbox')
    .description('pending approvals, oldest first')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) =>
      runCommand(options, async () => {
        const airlock = await useAirlockWorld();
        const now = airlock.clock();
        const approvals = (await pendingApprovals(airlock.databases.state)).map((approval) => ({
          approval_id: approval.approval_id,
          thread_id: approval.thread_id,
          environment: approval.environment,
          tier: approval.tier,
          summary: approval.summary,
          requested_by: approval.requested_by,
          requested_at: approval.requested_at.toISOString(),
          age: age(approval.requested_at, now),
          token_required: approval.token_required,
          ...(approval.action.blastRadius
            ? (({ rows, table_rows, pct, estimated }) => ({ blast_radius: { rows, table_rows, pct, estimated } }))(
                approval.action.blastRadius as { rows: number; table_rows: number; pct: number; estimated: boolean },
              )
            : {}),
        }));
        const text = approvals.length
          ? [
              `${approvals.length} pending approval${approvals.length > 1 ? 's' : ''}, oldest first:`,
              ...approvals.map(
                (a) =>
                  `  ${a.approval_id}  ${a.age.padStart(4)}  ${a.environment}  ${a.tier}  by ${a.requested_by}: ${a.summary}${
                    a.blast_radius ? ` [${describeRadius(a.blast_radius)}]` : ''
                  }`,
              ),
              'Run "airlock show ID" to see the whole action and its confirmation token.',
            ].join('\n')
          : 'No pending approvals.';
        return { json: { approvals }, text, exitCode: ExitCode.done };
      }),
    );
}
