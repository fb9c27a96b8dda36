import type { Command } from 'commander';
import { parseAge } from '../../policy/age.ts';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { appendAudit } from '../../store/audit.ts';
import { badInput, ExitCode } from '../../contracts/errors.ts';
import { requesterFrom } from '../identity.ts';
import { age, runCommand } from '../output.ts';
import { allBackups, pruneBackupsOlderThan } from '../../store/backups.ts';

export function registerBackups(program: Command): void {
  const backups = program
    .command('backups')
    .description('what destructive actions kept (rows, dropped tables), for airlock undo; prune only when asked')
    .enablePositionalOptions()
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) =>
      runCommand(options, async () => {
        const airlock = await useAirlockWorld();
        const rows = await allBackups(airlock.databases.target);
        const now = airlock.clock();
        const list = rows.map((row) => ({
          action_id: row.action_id,
          kind: row.kind,
          source: row.source_table,
          backup: row.backup_table,
          rows: Number(row.row_count),
          environment: row.environment,
          thread_id: row.thread_id,
          created_at: row.created_at.toISOString(),
          age: age(row.created_at, now),
          undone: row.undone_by !== null,
          ...(row.undone_by ? { undone_by: row.undone_by, undone_at: row.undone_at?.toISOString() ?? null } : {}),
        }));
        const text = list.length
          ? list
              .map(
                (b) =>
                  `${b.action_id ?? '-'}  ${b.age.padStart(4)}  ${b.kind.padEnd(5)} ${b.source} → ${b.backup} (${b.rows} rows)${
                    b.undone_by ? `  UNDONE by ${b.undone_by}` : ''
                  }`,
              )
              .join('\n')
          : 'No backups.';
        return { json: { backups: list }, text, exitCode: ExitCode.done };
      }),
    );

  backups
    .command('prune')
    .description('drop backups older than AGE (e.g. 30d, 12h): after this, their actions can no longer be undone')
    .requiredOption('--older-than <age>', 'e.g. 30d, 12h, 2w')
    .option('--as <who>', 'who prunes (for the audit trail)')
    .option('--json', 'print one JSON object')
    .action(async (options: { olderThan: string; as?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const ms = parseAge(options.olderThan);
        if (ms === undefined) throw badInput(`--older-than takes an age like 30d, 12h or 2w, not "${options.olderThan}"`);
        const airlock = await useAirlockWorld();
        const cutoff = new Date(airlock.clock().getTime() - ms);
        const pruned = await pruneBackupsOlderThan(airlock.databases.target, cutoff);
        const actor = requesterFrom(options.as);
        if (pruned.length) {
          await appendAudit(airlock.databases.state, {
            step: 'backups-prune',
            actor,
            outcome: 'pruned',
            message: `${actor} pruned ${pruned.length} backup(s) older than ${options.olderThan} on ${airlock.databases.targetIdentity}: ${pruned.map((b) => b.action_id ?? b.backup_table).join(', ')} can no longer be undone.`,
            detail: { pruned: pruned.map((b) => ({ action_id: b.action_id, backup: b.backup_table, rows: Number(b.row_count) })) },
          });
        }
        return {
          json: { pruned: pruned.map((b) => ({ action_id: b.action_id, backup: b.backup_table })), cutoff: cutoff.toISOString() },
          text: pruned.length ? `pruned ${pruned.length} backup(s) older than ${options.olderThan}` : `no backups older than ${options.olderThan}`,
          exitCode: ExitCode.done,
        };
      }),
    );
}
