import { describeRadius } from '../policy/blast-radius.ts';
import { exitCodeFor, type RunOutcome } from '../threads/migration-runner.ts';
import type { CommandResult } from './output.ts';
import { indent } from './output.ts';

/** The contract's JSON for migrate/approve/reject: the fields it names, plus a few more. */
export function outcomeJson(outcome: RunOutcome): Record<string, unknown> {
  // bad_input, in_progress and refusal_code are for code (the exit code, the agent's summary); the contract's JSON is unchanged.
  const { bad_input: _badInput, in_progress: _inProgress, refusal_code: _refusalCode, result, ...rest } = outcome;
  return {
    ...rest,
    ...(result
      ? {
          statements: result.statements,
          ...(result.rows ? { rows: result.rows } : {}),
          ...(result.alreadyDone ? { already_done: true } : {}),
          ...(result.rolledBack ? { rolled_back: true } : {}),
          ...(result.backups ? { backups: result.backups } : {}),
          ...(result.actionId ? { action_id: result.actionId } : {}),
          duration_ms: result.durationMs,
        }
      : {}),
  };
}

function rowsTable(rows: Record<string, unknown>[]): string[] {
  if (rows.length === 0) return ['(no rows)'];
  const columns = Object.keys(rows[0]!);
  const cell = (value: unknown) => (value === null ? 'NULL' : value instanceof Date ? value.toISOString() : String(value));
  const widths = columns.map((column) => Math.min(40, Math.max(column.length, ...rows.map((row) => cell(row[column]).length))));
  const line = (values: string[]) => values.map((value, i) => value.slice(0, 40).padEnd(widths[i]!)).join(' | ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.slice(0, 20).map((row) => line(columns.map((c) => cell(row[c]))))];
}

export function renderOutcome(outcome: RunOutcome, options: { rejectedIsSuccess?: boolean } = {}): CommandResult {
  const exitCode = exitCodeFor(outcome, options.rejectedIsSuccess);
  const where = outcome.environment ? ` in ${outcome.environment}` : '';
  const lines: string[] = [];
  const radius = outcome.blast_radius;
  const figures = radius
    ? [`blast radius: ${describeRadius(radius)}`]
    : [];
  switch (outcome.status) {
    case 'pending_approval':
      lines.push(`PAUSED for approval${where}: ${outcome.tier} — ${outcome.summary}`);
      lines.push(indent([
        `approval ${outcome.approval_id}   thread ${outcome.thread_id}`,
        ...figures,
        ...(radius?.samples.length ? ['sample rows:', ...radius.samples.map((row) => `  ${JSON.stringify(row)}`)] : []),
        ...(outcome.rules?.length ? [`rules: ${outcome.rules.join(', ')}`] : []),
        'Nothing has run. A reviewer decides:',
        `  airlock show ${outcome.approval_id}`,
        `  airlock approve ${outcome.approval_id} --as NAME [--token TOKEN]   or   airlock reject ${outcome.approval_id} --as NAME --reason TEXT`,
      ]));
      break;
    case 'completed': {
      const result = outcome.result;
      // "SELECT, 1 row", not "SELECT 1", which reads like SQL.
      const ran = result?.statements
        .map((s) => `${s.command ?? s.kind}${s.rowCount === null ? '' : `, ${s.rowCount} row${s.rowCount === 1 ? '' : 's'}`}`)
        .join('; ');
      lines.push(
        result?.alreadyDone
          ? `COMPLETED${where} earlier: the ledger shows this action already ran, so it was not run again.`
          : result?.rolledBack
            ? `COMPLETED${where}, then ROLLED BACK (a replay): ${ran ?? ''} (${result.durationMs} ms, one transaction; nothing was kept)`
            : `COMPLETED${where}: ${ran ?? ''} (${result?.durationMs ?? 0} ms, one transaction)`,
      );
      if (result?.rows) lines.push(indent(rowsTable(result.rows)));
      if (result?.backups?.length && !result.rolledBack) {
        lines.push(indent(result.backups.map((b) => `kept ${b.source} → ${b.backup} (${b.rows} rows) before running`)));
        if (result.actionId) lines.push(indent([`to undo: airlock undo ${result.actionId} --as NAME`]));
      }
      lines.push(indent([`thread ${outcome.thread_id}${outcome.approval_id ? `   approval ${outcome.approval_id}` : ''}`]));
      break;
    }
    case 'blocked':
      lines.push(`BLOCKED${where}: ${outcome.reason}`);
      lines.push(indent([...figures, `thread ${outcome.thread_id} (audited). Nothing was run.`]));
      break;
    case 'rejected':
      lines.push(`REJECTED${where}: ${outcome.reason ?? ''}`);
      lines.push(indent([`thread ${outcome.thread_id}. Nothing was run.`]));
      break;
    case 'failed':
      lines.push(`FAILED${where}: ${outcome.reason ?? 'the migration did not finish'}`);
      lines.push(indent([`thread ${outcome.thread_id}; see "airlock history ${outcome.thread_id}"`]));
      break;
  }
  return { json: outcomeJson(outcome), text: lines.join('\n'), exitCode };
}
