import { describeRadius } from '../../policy/blast-radius.ts';
import type { Command } from 'commander';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { ExitCode } from '../../contracts/errors.ts';
import { loadApproval } from '../../threads/load-approval.ts';
import { age, indent, runCommand } from '../output.ts';
import type { BlastRadius } from '../../contracts/blast-radius.ts';
import type { StatementVerdict } from '../../contracts/classification.ts';

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('one approval: the whole action, its tier and rules, and the confirmation token')
    .argument('<id>', 'the approval id (from airlock inbox)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, options: { json?: boolean }) =>
      runCommand(options, async () => {
        const approval = await loadApproval(id);
        const airlock = await useAirlockWorld();
        const statements = ((approval.action.statements ?? []) as StatementVerdict[]).map((s) => ({
          kind: s.kind,
          tier: s.tier,
          tables: s.tables,
          filtered: s.filtered,
          rules: s.rules,
          reasons: s.reasons,
        }));
        const radius = approval.action.blastRadius as BlastRadius | undefined;
        const cascade = (approval.action.cascade ?? []) as { statement: number; objects: string[] }[];
        const rules = [...new Set(statements.flatMap((s) => s.rules))];
        const json = {
          approval_id: approval.approval_id,
          thread_id: approval.thread_id,
          status: approval.status,
          environment: approval.environment,
          tier: approval.tier,
          summary: approval.summary,
          sql: approval.sql,
          rules,
          statements,
          target: approval.action.target,
          requested_by: approval.requested_by,
          requested_at: approval.requested_at.toISOString(),
          token_required: approval.token_required,
          ...(approval.action.blastRadius ? { blast_radius: approval.action.blastRadius, samples: (approval.action.blastRadius as { samples?: unknown[] }).samples ?? [] } : {}),
          ...(cascade.length ? { cascade } : {}),
          ...(approval.action.undo ? { undo: approval.action.undo } : {}),
          confirmation_token: approval.confirmation_token,
          ...(approval.decided_by
            ? { decided_by: approval.decided_by, decided_at: approval.decided_at?.toISOString(), reason: approval.reason }
            : {}),
          ...(approval.outcome ? { outcome: approval.outcome } : {}),
        };
        const decided = approval.decided_by
          ? [`${approval.status} by ${approval.decided_by} at ${approval.decided_at?.toISOString()}${approval.reason ? `: ${approval.reason}` : ''}${approval.outcome ? ` → ${approval.outcome}` : ''}`]
          : [];
        const tokenLines = approval.token_required
          ? [`Confirmation token: ${approval.confirmation_token}`, `To approve: airlock approve ${id} --as NAME --token ${approval.confirmation_token}`]
          : [`To approve: airlock approve ${id} --as NAME   (no token needed for a ${approval.tier} action)`];
        const text = [
          `${approval.approval_id}  ${approval.status.toUpperCase()}  ${approval.tier} in ${approval.environment} on ${String(approval.action.target)}`,
          `Requested by ${approval.requested_by}, ${age(approval.requested_at, airlock.clock())} ago (${approval.requested_at.toISOString()}); thread ${approval.thread_id}`,
          ...decided,
          '',
          'SQL:',
          indent(approval.sql.trim().split('\n'), '  | '),
          '',
          'Statements:',
          indent(statements.map((s) => `${s.kind}  ${s.tier}  tables: ${s.tables.join(', ') || '-'}  ${s.reasons.join('; ')}`)),
          ...(rules.length ? [`Rules: ${rules.join(', ')}`] : []),
          ...(radius
            ? [
                `Blast radius (dry-run, rolled back): ${describeRadius(radius)}`,
                ...(radius.samples.length ? ['Sample rows:', indent(radius.samples.map((row) => JSON.stringify(row)))] : []),
              ]
            : []),
          ...cascade.map((one) => `CASCADE (statement ${one.statement}) also drops: ${one.objects.join(', ')}`),
          ...(approval.action.undo ? [`Kept before it runs: ${String(approval.action.undo)}`] : []),
          '',
          ...(approval.status === 'pending'
            ? [...tokenLines, `To reject:  airlock reject ${id} --as NAME --reason TEXT`]
            : []),
        ].join('\n');
        return { json, text, exitCode: ExitCode.done };
      }),
    );
}
