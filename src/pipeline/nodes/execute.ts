import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type pg from 'pg';
import { actionIdFor, idempotencyKeyFor } from '../../policy/action-identity.ts';
import { droppedColumns, dropsTables, tablesToBackUp } from '../../policy/backup-plan.ts';
import { loadSqlParser, parseSql } from '../../sql/parse-sql.ts';
import { capExceeded, percentOf, recountAccepted } from '../../policy/blast-radius.ts';
import type { EnvironmentPolicy } from '../../policy/policy-file.ts';
import { backUpDefinitions } from '../definition-backup.ts';
import { backUpColumn, backUpTables, moveToTrash, type Backup, type BackupOwner } from '../backup.ts';
import { changeAndKeep } from '../effect-backup.ts';
import { planCleanup } from '../../policy/cleanup-request.ts';
import { changesRows } from '../../policy/row-change.ts';
import { useAirlock } from '../../runtime/airlock.ts';
import { summarise } from '../../policy/classify.ts';
import { sendAlert } from '../alerts.ts';
import { appendAudit } from '../../store/audit.ts';
import { findApproval } from '../../store/approvals.ts';
import { describeDatabaseError } from '../../contracts/errors.ts';
import { faultPoint } from '../../runtime/fault-injection.ts';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import { threadIdOf } from './thread-id.ts';
import { markBackupsUndone } from '../../store/backups.ts';
import { claimLedger, ledgerResult, recordLedgerResult, releaseLedgerClaim } from '../../store/ledger.ts';
import type { StatementVerdict } from '../../contracts/classification.ts';

const MAX_ROWS_KEPT = 50;
const COMMAND_OF: Record<string, string> = { DeleteStmt: 'DELETE', UpdateStmt: 'UPDATE', MergeStmt: 'MERGE', InsertStmt: 'INSERT' };


/**
 * What a migration destroys, kept before it runs: a dropped column's values
 * with the primary key; otherwise a copy of each table a destructive
 * statement touches. (DROP TABLE moves the table to the trash instead.)
 */
async function backUpForMigration(client: pg.PoolClient, state: MigrationState, owner: BackupOwner): Promise<Backup[]> {
  await loadSqlParser();
  const parsed = parseSql(state.sql);
  const nodes = parsed.ok ? parsed.statements.map((statement) => statement.node) : [];
  const backups: Backup[] = [];
  const toCopy: StatementVerdict[] = [];
  let columns = 0;
  for (const [index, statement] of state.classification!.statements.entries()) {
    if (dropsTables(statement)) continue;
    const node = nodes[index];
    const drops = statement.tier === 'destructive' ? droppedColumns(statement, node) : [];
    const onlyDrops = drops.length > 0 && drops.length === ((node?.cmds as unknown[] | undefined)?.length ?? 0);
    if (onlyDrops) {
      const kept = [];
      for (const drop of drops) {
        const backup = await backUpColumn(client, drop.table, drop.column, owner, ++columns);
        if (backup) kept.push(backup);
      }
      backups.push(...kept);
      if (kept.length === drops.length) continue;
    }
    toCopy.push(statement);
  }
  const tables = tablesToBackUp(toCopy);
  return [...backups, ...(tables.length ? await backUpTables(client, tables, owner) : [])];
}

type Attempt =
  | { ok: true; result: ExecutionResult }
  | { ok: false; error: string; failedStatement?: number }
  | { ok: false; recount: { approved: number; found: number; statement?: number } };

type Timeouts = { lockTimeout: string; statementTimeout: string };
type Caps = EnvironmentPolicy['blastRadius'];

/** The rows found at execution against what was approved; an approved estimate must also stay under the caps. */
function countStillApproved(approved: { rows: number; table_rows: number; estimated: boolean }, found: number, caps: Caps): boolean {
  if (!recountAccepted(approved.rows, found, approved.estimated)) return false;
  const exact = { rows: found, table_rows: approved.table_rows, pct: percentOf(found, Math.max(approved.table_rows, found)), estimated: false };
  return !approved.estimated || capExceeded(exact, 'this environment', caps) === undefined;
}

/**
 * Run the whole migration in one transaction: every statement or none.
 * Writes claim a ledger row (keyed by the action's idempotency key) in the same
 * transaction as the effect, so an action that already ran is never run again,
 * even when LangGraph re-runs this node after a crash.
 */
async function runInTransaction(
  client: pg.PoolClient,
  state: MigrationState,
  idempotencyKey: string,
  timeouts: Timeouts,
  caps: Caps,
  commit = true,
): Promise<Attempt> {
  const started = Date.now();
  const readOnly = state.classification!.tier === 'read';
  const statements = state.classification!.statements;
  await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
  let current = -1;
  try {
    await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
      timeouts.lockTimeout,
      timeouts.statementTimeout,
    ]);
    if (!readOnly) {
      // Waits for a concurrent run of the same action; then its committed row means "already done".
      const claim = await claimLedger(client, { idempotencyKey, threadId: state.threadId, actionHash: state.actionHash, initial: {} });
      if (!claim.claimed) {
        await client.query('ROLLBACK');
        const previous = await ledgerResult(client, idempotencyKey);
        return { ok: true, result: { ...(previous ?? { statements: [], durationMs: 0 }), alreadyDone: true } };
      }
    }
    // backup → execute: in the same transaction, so a copy exists exactly when the effect does.
    const owner = {
      threadId: state.threadId!,
      idempotencyKey,
      actionId: actionIdFor(idempotencyKey),
      environment: state.resolvedEnvironment ?? state.environment,
      createdAt: (await useAirlock()).clock(),
    };
    let counted: number | undefined;
    // A cleanup's DELETE, rebuilt from its table and filter: the same tree the dry-run measured.
    const plan = state.cleanup ? planCleanup(state.cleanup.table, state.cleanup.predicate, state.cleanup.mode, state.threadId!) : undefined;
    if (plan && !plan.ok) throw new Error(plan.refusal.message);
    if (!readOnly && plan?.ok && state.blastRadius) {
      // Re-count inside the transaction: the rows must still be the ones that were approved.
      const { rows: found } = await client.query<{ rows: string }>(plan.value.change.arms[0]!.count);
      counted = Number(found[0]!.rows);
      if (!countStillApproved(state.blastRadius, counted, caps)) {
        await client.query('ROLLBACK');
        return { ok: false, recount: { approved: state.blastRadius.rows, found: counted } };
      }
    }
    const backups: Backup[] = [];
    if (!readOnly && !state.cleanup) {
      backups.push(...(await backUpForMigration(client, state, owner)));
      // CREATE OR REPLACE of a definition that exists: keep the old one for undo.
      if (statements.some((statement) => statement.rules.includes('replace-existing-definition'))) {
        backups.push(...(await backUpDefinitions(client, state.sql, owner)));
      }
    }
    await loadSqlParser();
    const parsed = parseSql(state.sql);
    const nodes = parsed.ok ? parsed.statements.map((statement) => statement.node) : [];
    const changes: NonNullable<ExecutionResult['changes']> = [];
    const results: ExecutionResult['statements'] = [];
    let rows: Record<string, unknown>[] | undefined;
    let trashed = 0;
    for (const [index, statement] of statements.entries()) {
      current = index;
      if (plan?.ok && statement.kind !== 'CreateStmt') {
        // The archive INSERT and the DELETE run as one statement that also keeps the rows it removes.
        if (statement.kind !== 'DeleteStmt') continue;
        const archive = plan.value.archiveTable ? { table: plan.value.archiveTable, threadId: state.threadId! } : undefined;
        const captured = await changeAndKeep(client, plan.value.statement, owner, { shape: 'rows', ...(archive ? { archive } : {}) });
        if (archive) results.push({ kind: 'InsertStmt', command: 'INSERT', rowCount: captured.archived });
        results.push({ kind: 'DeleteStmt', command: 'DELETE', rowCount: captured.deleted });
        backups.push(captured.backup);
        changes.push({ statement: index + 1, backup: captured.backup.backup, deleted: captured.deleted, updated: 0, inserted: 0, kept: captured.kept });
        continue;
      }
      if (!state.cleanup && dropsTables(statement)) {
        // DROP TABLE moves the table to airlock_trash instead, so that it can be undone.
        const moved = [];
        for (const table of statement.tables) {
          const backup = await moveToTrash(client, table, owner, ++trashed);
          if (backup) moved.push(backup);
        }
        if (moved.length === statement.tables.length) {
          backups.push(...moved);
          results.push({ kind: statement.kind, command: 'DROP', rowCount: null });
          continue;
        }
        // A table that is not there: let the DROP itself fail, or do nothing for IF EXISTS.
        backups.push(...moved);
      }
      // A migration's DELETE/UPDATE/MERGE measured by the dry-run, with only reads before it: the same rows, or ask again.
      const measured = state.cleanup ? undefined : state.blastRadius?.statements?.find((one) => one.statement === index + 1);
      const onlyReadsBefore = statements.slice(0, index).every((earlier) => earlier.tier === 'read');
      const node = nodes[index];
      if (!state.cleanup && node && changesRows(statement.kind, node)) {
        // It keeps the rows it deletes or overwrites from its own RETURNING, in the same execution.
        const captured = await changeAndKeep(client, { kind: statement.kind, node }, owner, { shape: 'changed', statement: index + 1 });
        results.push({ kind: statement.kind, command: COMMAND_OF[statement.kind] ?? null, rowCount: captured.total });
        backups.push(captured.backup);
        changes.push({
          statement: index + 1,
          backup: captured.backup.backup,
          deleted: captured.deleted,
          updated: captured.updated,
          inserted: captured.inserted,
          kept: captured.kept,
        });
        if (measured && onlyReadsBefore && !countStillApproved(measured, captured.destroyed, caps)) {
          await client.query('ROLLBACK');
          return { ok: false, recount: { approved: measured.rows, found: captured.destroyed, statement: index + 1 } };
        }
        continue;
      }
      // One statement per round trip, on the extended protocol, which refuses a
      // string smuggling several statements (a COMMIT cannot end our transaction).
      const outcome = await client.query({ text: statement.text, queryMode: 'extended' } as pg.QueryConfig);
      results.push({ kind: statement.kind, command: outcome.command ?? null, rowCount: outcome.rowCount ?? null });
      if (outcome.fields?.length) rows = outcome.rows.slice(0, MAX_ROWS_KEPT);
    }
    current = -1;
    const result: ExecutionResult = {
      statements: results,
      ...(rows ? { rows } : {}),
      ...(counted === undefined ? {} : { counted }),
      ...(changes.length ? { changes } : {}),
      ...(backups.length ? { backups, actionId: owner.actionId } : {}),
      durationMs: Date.now() - started,
    };
    if (state.undoOf) {
      // In the restore's own transaction: a backup is marked undone exactly when its rows are back.
      await markBackupsUndone(client, state.undoOf, owner.threadId, owner.createdAt);
    }
    if (!readOnly) {
      await recordLedgerResult(client, idempotencyKey, {
        statements: results,
        ...(backups.length ? { backups, actionId: owner.actionId } : {}),
        ...(changes.length ? { changes } : {}),
        durationMs: result.durationMs,
      });
    }
    if (!commit) {
      // A replay without a named target: everything ran, and nothing stays.
      await client.query('ROLLBACK');
      return { ok: true, result: { ...result, rolledBack: true } };
    }
    await client.query('COMMIT');
    faultPoint('after-commit');
    return { ok: true, result };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    return { ok: false, error: describeDatabaseError(error), ...(current >= 0 ? { failedStatement: current } : {}) };
  }
}

/**
 * A statement that cannot run in a transaction cannot share one with its
 * ledger row either. The ledger is claimed first ("started"), then the
 * statement runs, then the ledger records the end. A re-run that finds a
 * claim without an end does not guess: it stops and says what to check.
 */
async function runAlone(
  client: pg.PoolClient,
  state: MigrationState,
  idempotencyKey: string,
  timeouts: Timeouts,
): Promise<Attempt> {
  const started = Date.now();
  const statement = state.classification!.statements[0]!;
  const claim = await claimLedger(client, { idempotencyKey, threadId: state.threadId, actionHash: state.actionHash, initial: { state: 'started' } });
  if (!claim.claimed) {
    const previous = await ledgerResult(client, idempotencyKey);
    if (previous?.state === 'started') {
      return {
        ok: false,
        error: `an earlier run of this ${statement.kind} started and never recorded its end (ledger ${idempotencyKey}); it may or may not have taken effect: check the database (an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index to drop), then submit it again`,
      };
    }
    return { ok: true, result: { ...(previous ?? { statements: [], durationMs: 0 }), alreadyDone: true } };
  }
  try {
    await client.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [
      timeouts.lockTimeout,
      timeouts.statementTimeout,
    ]);
    const outcome = await client.query({ text: statement.text, queryMode: 'extended' } as pg.QueryConfig);
    const result: ExecutionResult = {
      statements: [{ kind: statement.kind, command: outcome.command ?? null, rowCount: outcome.rowCount ?? null }],
      durationMs: Date.now() - started,
    };
    await recordLedgerResult(client, idempotencyKey, result);
    faultPoint('after-commit');
    return { ok: true, result };
  } catch (error) {
    // It did not run (Postgres reported the error): release the claim so a corrected resubmission is not refused.
    await releaseLedgerClaim(client, idempotencyKey).catch(() => {});
    return { ok: false, error: describeDatabaseError(error), failedStatement: 0 };
  } finally {
    await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => {});
  }
}

/**
 * Nothing that needed an approval runs without its approvals row saying
 * "approved" for exactly this action. The graph's state alone is not proof:
 * a LangGraph client can write state as if the approve node had run
 * (updateState, Command.update/goto), and that must not stand in for a reviewer.
 */
async function missingApproval(db: pg.Pool, state: MigrationState): Promise<string | undefined> {
  if (state.permission?.decision === 'allow') return undefined;
  const approvalId = state.approval?.approvalId;
  const row = approvalId ? await findApproval(db, approvalId) : undefined;
  if (!row) return 'it needs an approval, and no approval of it was recorded';
  if (row.status !== 'approved') return `its approval ${row.approval_id} is ${row.status}, not approved`;
  if (row.action_hash !== state.actionHash || row.sql !== state.sql) {
    return `approval ${row.approval_id} was given for another action than the one about to run`;
  }
  return undefined;
}

export async function execute(state: MigrationState, config: LangGraphRunnableConfig): Promise<Partial<MigrationState>> {
  faultPoint('before-execute');
  const airlock = await useAirlock();
  const threadId = threadIdOf(config);
  const idempotencyKey = idempotencyKeyFor(threadId, state.actionHash!);
  const statements = state.classification!.statements;
  const environment = state.resolvedEnvironment ?? state.environment;
  // Every row this node writes names the thread, the step, who answers for it and where.
  const record = (entry: Pick<Parameters<typeof appendAudit>[1], 'outcome' | 'message' | 'detail' | 'eventKey'>) =>
    appendAudit(airlock.databases.state, { threadId, step: 'execute', actor: state.approval?.decidedBy ?? state.requestedBy, environment, ...entry });
  const unapproved = await missingApproval(airlock.databases.state, state);
  if (unapproved) {
    const reason = `not run in ${environment}: ${unapproved}. Nothing was run; submit it again and have a reviewer approve it`;
    await record({
      outcome: 'blocked',
      message: `Refused to run: ${reason}.`,
      detail: { approval: state.approval ?? null },
      eventKey: `${idempotencyKey}:unapproved`,
    });
    return { status: 'blocked', reason };
  }
  // Before the effect: who runs what, where, on whose approval. (After it, the outcome.)
  await record({
    outcome: 'started',
    message: `Running ${statements.length} statement${statements.length > 1 ? 's' : ''} (${state.classification!.tier}) in ${environment} on ${state.target}, requested by ${state.requestedBy}${state.approval ? `, approved by ${state.approval.decidedBy}` : ''}.`,
    detail: {
      requestedBy: state.requestedBy,
      approvedBy: state.approval?.decidedBy ?? null,
      tier: state.classification!.tier,
      rules: [...new Set(statements.flatMap((statement) => statement.rules))],
      idempotencyKey,
    },
    eventKey: `${idempotencyKey}:execute-start`,
  });
  const client = await airlock.databases.target.connect();
  let attempt: Attempt;
  try {
    const [only, ...rest] = statements;
    const alone = only && rest.length === 0 && only.outsideTransaction;
    const rollBack = airlock.replay?.rollbackEffects ?? false;
    attempt =
      alone && rollBack
        ? {
            ok: false,
            error: `${only.kind} cannot run inside a transaction, so a replay cannot roll it back: replay it with --target naming a scratch database`,
          }
        : alone
          ? await runAlone(client, state, idempotencyKey, airlock.settings)
          : await runInTransaction(
              client,
              state,
              idempotencyKey,
              airlock.settings,
              state.permission ? airlock.policy.policy.environments[state.permission.policyEnvironment]?.blastRadius : undefined,
              !rollBack,
            );
  } finally {
    client.release();
  }

  const where = `${environment} on ${state.target}`;
  if (!attempt.ok && 'recount' in attempt) {
    const { approved, found } = attempt.recount;
    const which = attempt.recount.statement ? `statement ${attempt.recount.statement}: ` : '';
    await record({
      outcome: 'changed',
      message: `Not run in ${where}: ${which}${found} rows match now, but ${state.blastRadius?.estimated ? 'about ' : ''}${approved} were approved (the data changed since approval${state.blastRadius?.estimated ? ', or the estimate was off' : ''}). Rolled back; measuring again and asking for a new approval.`,
      detail: { approved, found, ...(attempt.recount.statement ? { statement: attempt.recount.statement } : {}) },
      eventKey: `${idempotencyKey}:recount`,
    });
    return { recount: attempt.recount };
  }
  if (!attempt.ok) {
    const failed = attempt.failedStatement;
    const which =
      failed === undefined ? 'the transaction' : `statement ${failed + 1} of ${statements.length} (${statements[failed]!.kind})`;
    const reason = `${which} failed: ${attempt.error}. The whole migration was rolled back; nothing changed in ${where}`;
    await record({
      outcome: 'failed',
      message: `Failed in ${where}: ${reason}. Fix the SQL and submit it as a new migration.`,
      detail: { error: attempt.error, failedStatement: failed === undefined ? null : failed + 1 },
      eventKey: `${idempotencyKey}:execute`,
    });
    return { status: 'failed', reason };
  }

  const { result } = attempt;
  const undoable = !result.rolledBack && result.backups?.some((backup) => backup.kind !== 'copy');
  const undoCommand = undoable && result.actionId ? `airlock undo ${result.actionId} --as NAME` : undefined;
  const changed = result.statements.map((s) => `${s.command ?? s.kind}${s.rowCount === null ? '' : ` ${s.rowCount}`}`).join(', ');
  const firstRecord = await record({
    outcome: result.alreadyDone ? 'already_done' : 'completed',
    message: result.alreadyDone
      ? `Already done in ${where} (ledger ${idempotencyKey}): not run again.`
      : `Ran ${statements.length} statement${statements.length > 1 ? 's' : ''} in one transaction in ${where} (${changed}) in ${result.durationMs} ms${
          result.rolledBack ? ', then rolled it back (a replay: nothing was kept)' : ''
        }.${
          result.backups?.length ? ` Backed up first: ${result.backups.map((b) => `${b.source} → ${b.backup} (${b.rows} rows)`).join(', ')}.` : ''
        }${undoCommand ? ` To undo: ${undoCommand}.` : ''}`,
    detail: { statements: result.statements, idempotencyKey, backups: result.backups ?? [], ...(undoCommand ? { undo: undoCommand } : {}) },
    eventKey: `${idempotencyKey}:execute`,
  });
  if (firstRecord && !result.alreadyDone && !result.rolledBack && state.classification!.tier === 'destructive') {
    await sendAlert(airlock.policy.policy, {
      event: 'executed',
      thread_id: threadId,
      ...(state.approval ? { approval_id: state.approval.approvalId, decided_by: state.approval.decidedBy } : {}),
      environment,
      tier: state.classification!.tier,
      summary: summarise(state.classification!),
      requested_by: state.requestedBy,
      rules: [...new Set(statements.flatMap((statement) => statement.rules))],
      at: airlock.clock().toISOString(),
    });
  }
  return { status: 'completed', result };
}
