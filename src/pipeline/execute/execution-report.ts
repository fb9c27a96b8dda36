import type { StatementVerdict } from '../../contracts/classification.ts';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import type { AuditEntry } from '../../store/audit.ts';
import type { Recount } from './attempt.ts';

/**
 * The execute step's audit entries: who runs what, where, on whose approval
 * (before the effect), and how it ended (after it). Pure: each is a function
 * of the state and the attempt, so its sentences are tested without a database.
 */
export type ExecuteEntry = Pick<AuditEntry, 'outcome' | 'message' | 'detail' | 'eventKey'>;

/** Where the action runs, as the sentences say it: environment and target. */
export function whereOf(state: MigrationState): string {
  return `${state.resolvedEnvironment ?? state.environment} on ${state.target}`;
}

function statementsNoun(statements: StatementVerdict[]): string {
  return `${statements.length} statement${statements.length > 1 ? 's' : ''}`;
}

function rulesOf(statements: StatementVerdict[]): string[] {
  return [...new Set(statements.flatMap((statement) => statement.rules))];
}

/** Refused before anything ran: the approvals row does not say "approved" for this action. */
export function unapprovedEntry(state: MigrationState, idempotencyKey: string, unapproved: string): { entry: ExecuteEntry; reason: string } {
  const reason = `not run in ${state.resolvedEnvironment ?? state.environment}: ${unapproved}. Nothing was run; submit it again and have a reviewer approve it`;
  return {
    reason,
    entry: { outcome: 'blocked', message: `Refused to run: ${reason}.`, detail: { approval: state.approval ?? null }, eventKey: `${idempotencyKey}:unapproved` },
  };
}

/** Before the effect: who runs what, where, on whose approval. */
export function startedEntry(state: MigrationState, idempotencyKey: string): ExecuteEntry {
  const { statements, tier } = state.classification!;
  const environment = state.resolvedEnvironment ?? state.environment;
  return {
    outcome: 'started',
    message: `Running ${statementsNoun(statements)} (${tier}) in ${environment} on ${state.target}, requested by ${state.requestedBy}${state.approval ? `, approved by ${state.approval.decidedBy}` : ''}.`,
    detail: { requestedBy: state.requestedBy, approvedBy: state.approval?.decidedBy ?? null, tier, rules: rulesOf(statements), idempotencyKey },
    eventKey: `${idempotencyKey}:execute-start`,
  };
}

/** The rows changed since approval: rolled back, measured again, asked again. */
export function recountEntry(state: MigrationState, idempotencyKey: string, recount: Recount): ExecuteEntry {
  const { approved, found } = recount;
  const which = recount.statement ? `statement ${recount.statement}: ` : '';
  const estimated = state.blastRadius?.estimated;
  return {
    outcome: 'changed',
    message: `Not run in ${whereOf(state)}: ${which}${found} rows match now, but ${estimated ? 'about ' : ''}${approved} were approved (the data changed since approval${estimated ? ', or the estimate was off' : ''}). Rolled back; measuring again and asking for a new approval.`,
    detail: { approved, found, ...(recount.statement ? { statement: recount.statement } : {}) },
    eventKey: `${idempotencyKey}:recount`,
  };
}

/** A statement (or the transaction) failed: everything was rolled back. */
export function failedEntry(state: MigrationState, idempotencyKey: string, failure: { error: string; failedStatement?: number }): { entry: ExecuteEntry; reason: string } {
  const statements = state.classification!.statements;
  const failed = failure.failedStatement;
  const which = failed === undefined ? 'the transaction' : `statement ${failed + 1} of ${statements.length} (${statements[failed]!.kind})`;
  const reason = `${which} failed: ${failure.error}. The whole migration was rolled back; nothing changed in ${whereOf(state)}`;
  return {
    reason,
    entry: {
      outcome: 'failed',
      message: `Failed in ${whereOf(state)}: ${reason}. Fix the SQL and submit it as a new migration.`,
      detail: { error: failure.error, failedStatement: failed === undefined ? null : failed + 1 },
      eventKey: `${idempotencyKey}:execute`,
    },
  };
}

/** What each statement did, as Postgres reported it: `DELETE 3, DROP, UPDATE 0`. */
export function describeStatements(results: ExecutionResult['statements']): string {
  return results.map((s) => `${s.command ?? s.kind}${s.rowCount === null ? '' : ` ${s.rowCount}`}`).join(', ');
}

/** The command that puts it back, when it kept something undo can restore (a plain copy is not). */
export function undoCommandOf(result: ExecutionResult): string | undefined {
  const undoable = !result.rolledBack && result.backups?.some((backup) => backup.kind !== 'copy');
  return undoable && result.actionId ? `airlock undo ${result.actionId} --as NAME` : undefined;
}

/** It ran (or had already run): what, in how long, what was kept, how to undo it. */
export function completedEntry(state: MigrationState, idempotencyKey: string, result: ExecutionResult): ExecuteEntry {
  const statements = state.classification!.statements;
  const undoCommand = undoCommandOf(result);
  const rolledBack = result.rolledBack ? ', then rolled it back (a replay: nothing was kept)' : '';
  const kept = result.backups?.length ? ` Backed up first: ${result.backups.map((b) => `${b.source} → ${b.backup} (${b.rows} rows)`).join(', ')}.` : '';
  return {
    outcome: result.alreadyDone ? 'already_done' : 'completed',
    message: result.alreadyDone
      ? `Already done in ${whereOf(state)} (ledger ${idempotencyKey}): not run again.`
      : `Ran ${statementsNoun(statements)} in one transaction in ${whereOf(state)} (${describeStatements(result.statements)}) in ${result.durationMs} ms${rolledBack}.${kept}${undoCommand ? ` To undo: ${undoCommand}.` : ''}`,
    detail: { statements: result.statements, idempotencyKey, backups: result.backups ?? [], ...(undoCommand ? { undo: undoCommand } : {}) },
    eventKey: `${idempotencyKey}:execute`,
  };
}
