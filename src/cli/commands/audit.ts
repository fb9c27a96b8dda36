import type { Command } from 'commander';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { auditEntries, verifyAuditChain } from '../../store/audit.ts';
import { badInput, ExitCode } from '../../contracts/errors.ts';
import { runCommand } from '../output.ts';

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('the audit trail (hash-chained); --verify walks the chain and reports the first broken link')
    .option('--verify', 'check every row against its hash and the row before it')
    .option('--thread <id>', 'only this thread')
    .option('--limit <n>', 'the newest N rows (default 1000)', '1000')
    .option('--json', 'print one JSON object')
    .action(async (options: { verify?: boolean; thread?: string; limit: string; json?: boolean }) =>
      runCommand(options, async () => {
        const airlock = await useAirlockWorld();
        const db = airlock.databases.state;
        if (options.verify) {
          const verification = await verifyAuditChain(db);
          const text = verification.ok
            ? `audit trail intact: ${verification.rowsChecked} rows, every hash and link holds`
            : `AUDIT TRAIL BROKEN at row ${verification.firstBroken!.auditId}: ${verification.firstBroken!.problem}. ${verification.rowsChecked} rows before it hold. Keep the database as it is and tell whoever owns it.`;
          return {
            json: {
              ok: verification.ok,
              rows_checked: verification.rowsChecked,
              ...(verification.firstBroken ? { first_broken: { audit_id: verification.firstBroken.auditId, problem: verification.firstBroken.problem } } : {}),
            },
            text,
            exitCode: verification.ok ? ExitCode.done : ExitCode.failed,
          };
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit <= 0) throw badInput(`--limit takes a whole number above 0, not "${options.limit}"`);
        const entries = await auditEntries(db, { ...(options.thread ? { threadId: options.thread } : {}), limit });
        const text = entries.length
          ? entries.map((e) => `${e.audit_id.padStart(6)}  ${e.at.toISOString()}  ${e.step.padEnd(8)} ${e.outcome.padEnd(16)} ${e.actor}: ${e.message}`).join('\n')
          : 'The audit trail is empty.';
        return {
          json: {
            entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
          },
          text,
          exitCode: ExitCode.done,
        };
      }),
    );
}
