import type { Command } from 'commander';
import { classifySql, isBadInput } from '../../policy/classify.ts';
import { recordingCatalogue } from '../../policy/target-catalogue.ts';
import { resolveEnvironment } from '../../policy/environment.ts';
import { loadSqlParser } from '../../sql/parse-sql.ts';
import { permit } from '../../policy/permit.ts';
import { readSettings } from '../../runtime/config.ts';
import { localSignals } from '../../runtime/environment-signals.ts';
import { ExitCode } from '../../contracts/errors.ts';
import { loadPolicy } from '../../runtime/policy-loader.ts';
import { requesterFrom } from '../identity.ts';
import { indent, runCommand } from '../output.ts';
import { readSql } from '../read-sql.ts';

const EXIT_FOR_DECISION = { allow: ExitCode.done, approve: ExitCode.paused, block: ExitCode.blocked } as const;

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('classify SQL without running it: tier, tables, locks, rules, and what the policy would need')
    .argument('[file]', 'a .sql file, or - for stdin', '-')
    .option('--env <env>', 'the environment to judge it for (default: AIRLOCK_ENV/APP_ENV, else production)')
    .option('--as <who>', 'who would ask (agents: agent:NAME)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, options: { env?: string; as?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const { policy, source } = loadPolicy(readSettings());
        const sql = await readSql(file);
        await loadSqlParser();
        const classification = classifySql(sql);
        // check never connects: what only the target can tell (a function's body, whether a
        // CREATE OR REPLACE overwrites something, where a name resolves) is judged at migrate.
        const unanswered = recordingCatalogue('(not looked up)');
        if (!classification.error) classifySql(sql, { catalogue: unanswered });
        const targetNote = unanswered.asked.length
          ? `Judged by the text alone: ${describeQuestions(unanswered.asked)} would be looked up in the target database by migrate, and may raise the tier there.`
          : undefined;
        const signals = localSignals(options.env);
        const assumed = signals.length === 0;
        const resolution = resolveEnvironment(assumed ? [{ source: 'default', value: 'production' }] : signals, policy);
        const environment = resolution.ok ? resolution.value : (options.env ?? 'production');
        const decision = classification.error
          ? { decision: 'block' as const, reason: classification.error, tokenRequired: false }
          : !resolution.ok
            ? { decision: 'block' as const, reason: resolution.refusal.message, tokenRequired: false }
            : permit({ tier: classification.tier, environment, requester: requesterFrom(options.as), tool: 'migrate' }, policy);
        const statements = classification.statements;
        const json = {
          tier: classification.tier,
          statements: statements.map(({ kind, tier, tables, filtered, lock, rules }) => ({ kind, tier, tables, filtered, lock, rules })),
          ...(classification.error ? { error: classification.error } : {}),
          environment,
          decision: decision.decision,
          token_required: decision.tokenRequired,
          ...('roles' in decision && decision.roles ? { roles: decision.roles } : {}),
          reason: decision.reason,
          policy: source,
          looked_up_in_target: false,
          ...(targetNote ? { target_note: targetNote } : {}),
        };
        const lines = [
          ...statements.map((s, index) =>
            [
              `${index + 1}. ${s.kind}  ${s.tier}  lock: ${s.lock ?? '-'}  tables: ${s.tables.join(', ') || '-'}${['DeleteStmt', 'UpdateStmt'].includes(s.kind) ? (s.filtered ? '  filtered' : '  UNFILTERED') : ''}`,
              ...(s.findings.length
                ? [indent(s.findings.map((f) => `${f.rule} (${f.tier}): ${f.message}${f.detail ? ` [${f.detail}]` : ''}`), '     ')]
                : []),
            ].join('\n'),
          ),
          ...(classification.error ? [`forbidden: ${classification.error}`] : []),
          ...(targetNote ? [targetNote] : []),
          `Tier ${classification.tier}. In ${environment}${assumed ? ' (assumed: pass --env)' : ''}: ${decision.decision.toUpperCase()} — ${decision.reason}.`,
        ];
        // Text that does not parse is bad input (exit 2), as from migrate and cleanup; its tier is still forbidden.
        const exitCode = isBadInput(classification) ? ExitCode.badInput : EXIT_FOR_DECISION[decision.decision];
        return { json, text: lines.join('\n'), exitCode };
      }),
    );
}

function describeQuestions(asked: { about: string }[]): string {
  const kinds = new Set(asked.map((question) => question.about));
  const parts = [
    kinds.has('function') ? 'the functions it calls (their bodies)' : '',
    kinds.has('existing') ? 'what CREATE OR REPLACE would overwrite' : '',
    kinds.has('relation') || kinds.has('creation') ? 'where its unqualified names resolve' : '',
  ].filter(Boolean);
  return parts.join(', ');
}
