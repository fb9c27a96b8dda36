import type pg from 'pg';
import { actionIdFor } from '../../policy/action-identity.ts';
import { planCleanup } from '../../policy/cleanup-request.ts';
import type { Clock } from '../../policy/clock.ts';
import { loadSqlParser, parseSql } from '../../sql/parse-sql.ts';
import { describeDatabaseError } from '../../contracts/errors.ts';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import { faultPoint } from '../../runtime/fault-injection.ts';
import { markBackupsUndone } from '../../store/backups.ts';
import { claimLedger, ledgerResult, recordLedgerResult } from '../../store/ledger.ts';
import type { BackupOwner } from '../backup.ts';
import type { Attempt, Caps, Timeouts } from './attempt.ts';
import { backUpBeforeMigration } from './back-up-before-migration.ts';
import { runStatements, StatementFailed, type Effects, type StatementRun } from './run-statements.ts';

/** One action to run in a transaction, and what it is held to. */
export interface TransactionRun {
  state: MigrationState;
  idempotencyKey: string;
  timeouts: Timeouts;
  caps: Caps;
  /** Stamps the backups (for "older than" prunes). */
  clock: Clock;
  /** False for a replay without a named target: everything runs, and nothing stays. */
  commit: boolean;
  /**
   * When Airlock's state is in the target database: writes the outcome's audit
   * entry on the effect's own client, last before COMMIT (the chain's lock is
   * held only until it), so the entry commits exactly when the effect does.
   * Its answer: whether the entry was written (false: a re-run found it).
   */
  recordOutcome?: (client: pg.PoolClient, result: ExecutionResult) => Promise<boolean>;
}

/**
 * Run the whole migration in one transaction: every statement or none.
 * Writes claim a ledger row (keyed by the action's idempotency key) in the same
 * transaction as the effect, so an action that already ran is never run again,
 * even when LangGraph re-runs this node after a crash. backup → execute: in the
 * same transaction too, so a copy exists exactly when the effect does. A
 * cleanup is not counted on its own first: its DELETE's own RETURNING is the
 * count, the backup and its fingerprint, and a count that is no longer the
 * approved one rolls all of it back.
 */
export async function runInTransaction(client: pg.PoolClient, run: TransactionRun): Promise<Attempt> {
  const started = Date.now();
  const { state } = run;
  const readOnly = state.classification!.tier === 'read';
  await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
  try {
    await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
      run.timeouts.lockTimeout,
      run.timeouts.statementTimeout,
    ]);
    const done = readOnly ? undefined : await doneBefore(client, run);
    if (done) return done;
    const owner = ownerOf(run);
    const plan = cleanupPlanOf(state);
    const effects: Effects = { results: [], changes: [], backups: readOnly || state.cleanup ? [] : await backUpBeforeMigration(client, state, owner), trashed: 0 };
    await loadSqlParser();
    const parsed = parseSql(state.sql);
    const nodes = parsed.ok ? parsed.statements.map((statement) => statement.node) : [];
    const statementRun: StatementRun = { client, state, owner, plan, nodes, caps: run.caps };
    // A cleanup's rows are counted by the DELETE that removes them (and keeps them): not the approved ones, and nothing stays.
    const recount = await runStatements(statementRun, effects);
    if (recount) {
      await client.query('ROLLBACK');
      return { ok: false, recount };
    }
    return await finish(client, run, { readOnly, owner, effects, counted: effects.counted, durationMs: Date.now() - started });
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const failed = error instanceof StatementFailed ? error : undefined;
    return { ok: false, error: describeDatabaseError(failed ? failed.error : error), ...(failed ? { failedStatement: failed.statement } : {}) };
  }
}

/** Claim the ledger row; one already committed (this action ran before) ends the transaction with its result. */
async function doneBefore(client: pg.PoolClient, { state, idempotencyKey }: TransactionRun): Promise<Attempt | undefined> {
  // Waits for a concurrent run of the same action; then its committed row means "already done".
  const claim = await claimLedger(client, { idempotencyKey, threadId: state.threadId, actionHash: state.actionHash, initial: {} });
  if (claim.claimed) return undefined;
  await client.query('ROLLBACK');
  const previous = await ledgerResult(client, idempotencyKey);
  return { ok: true, result: { ...(previous ?? { statements: [], durationMs: 0 }), alreadyDone: true } };
}

/** Whose backups these are: the thread, the action (its undo id), where, and when by Airlock's clock. */
function ownerOf({ state, idempotencyKey, clock }: TransactionRun): BackupOwner {
  return {
    threadId: state.threadId!,
    idempotencyKey,
    actionId: actionIdFor(idempotencyKey),
    environment: state.resolvedEnvironment ?? state.environment,
    createdAt: clock(),
  };
}

/** A cleanup's DELETE, rebuilt from its table and filter: the same tree the dry-run measured. */
function cleanupPlanOf(state: MigrationState): StatementRun['plan'] {
  if (!state.cleanup) return undefined;
  const plan = planCleanup(state.cleanup.table, state.cleanup.predicate, state.cleanup.mode, state.threadId!);
  if (!plan.ok) throw new Error(plan.refusal.message);
  return plan.value;
}

/** Everything ran: mark what an undo restored, record the result in the ledger, then commit (or, in a replay, roll back). */
async function finish(
  client: pg.PoolClient,
  run: TransactionRun,
  ran: { readOnly: boolean; owner: BackupOwner; effects: Effects; counted: number | undefined; durationMs: number },
): Promise<Attempt> {
  const { owner, effects } = ran;
  const { results, changes, backups, rows } = effects;
  const kept = backups.length ? { backups, actionId: owner.actionId } : {};
  const result: ExecutionResult = {
    statements: results,
    ...(rows ? { rows } : {}),
    ...(ran.counted === undefined ? {} : { counted: ran.counted }),
    ...(changes.length ? { changes } : {}),
    ...kept,
    durationMs: ran.durationMs,
  };
  // In the restore's own transaction: a backup is marked undone exactly when its rows are back.
  if (run.state.undoOf) await markBackupsUndone(client, run.state.undoOf, owner.threadId, owner.createdAt);
  if (!ran.readOnly) {
    await recordLedgerResult(client, run.idempotencyKey, { statements: results, ...kept, ...(changes.length ? { changes } : {}), durationMs: result.durationMs });
  }
  if (!run.commit) {
    // A replay without a named target: everything ran, and nothing stays.
    await client.query('ROLLBACK');
    return { ok: true, result: { ...result, rolledBack: true } };
  }
  // A read runs READ ONLY: its entry is written after, on its own.
  const recorded = run.recordOutcome && !ran.readOnly ? await run.recordOutcome(client, result) : undefined;
  await client.query('COMMIT');
  faultPoint('after-commit');
  return { ok: true, result, ...(recorded === undefined ? {} : { recorded }) };
}
