import type pg from 'pg';
import { dropsTables } from '../../policy/backup-plan.ts';
import type { CleanupPlan } from '../../policy/cleanup-request.ts';
import { changesRows } from '../../policy/row-change.ts';
import type { StatementVerdict } from '../../contracts/classification.ts';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import { moveToTrash, type Backup, type BackupOwner } from '../backup.ts';
import { changeAndKeep } from '../effect-backup.ts';
import type { Caps, Recount } from './attempt.ts';
import { countStillApproved } from './recount.ts';

const MAX_ROWS_KEPT = 50;
const COMMAND_OF: Record<string, string> = { DeleteStmt: 'DELETE', UpdateStmt: 'UPDATE', MergeStmt: 'MERGE', InsertStmt: 'INSERT' };

/** One run of the statements, inside the caller's transaction. */
export interface StatementRun {
  client: pg.PoolClient;
  state: MigrationState;
  owner: BackupOwner;
  /** A cleanup's DELETE, rebuilt from its table and filter: the same tree the dry-run measured. */
  plan: CleanupPlan | undefined;
  /** The parse tree of each statement, by position. */
  nodes: (Record<string, unknown> | undefined)[];
  caps: Caps;
}

/** What the statements did and kept, gathered as they run. */
export interface Effects {
  results: ExecutionResult['statements'];
  changes: NonNullable<ExecutionResult['changes']>;
  backups: Backup[];
  /** Up to MAX_ROWS_KEPT rows of the last statement that returned rows. */
  rows?: Record<string, unknown>[];
  /** Tables moved to the trash so far: each gets its own generation. */
  trashed: number;
  /** A cleanup: the rows its DELETE removed, counted from the DELETE itself. */
  counted?: number;
}

/** A statement failed: which one (0-based), and the database's error. */
export class StatementFailed extends Error {
  constructor(
    readonly statement: number,
    readonly error: unknown,
  ) {
    super(`statement ${statement + 1} failed`);
  }
}

/**
 * Run each statement in order, keeping what it destroys from its own
 * effect. Stops at a statement whose rows are not the approved ones (the
 * caller rolls back and asks again); a statement that fails throws
 * StatementFailed with its position.
 */
export async function runStatements(run: StatementRun, effects: Effects): Promise<Recount | undefined> {
  for (const [index, statement] of run.state.classification!.statements.entries()) {
    try {
      const recount = await runStatement(run, index, statement, effects);
      if (recount) return recount;
    } catch (error) {
      throw new StatementFailed(index, error);
    }
  }
  return undefined;
}

async function runStatement(run: StatementRun, index: number, statement: StatementVerdict, effects: Effects): Promise<Recount | undefined> {
  if (run.plan && statement.kind !== 'CreateStmt') {
    // The archive INSERT and the DELETE run as one statement that also keeps the rows it removes.
    return statement.kind === 'DeleteStmt' ? deleteKeepingRows(run, run.plan, index, effects) : undefined;
  }
  if (!run.state.cleanup && dropsTables(statement) && (await dropIntoTrash(run, statement, effects))) return undefined;
  const node = run.nodes[index];
  if (!run.state.cleanup && node && changesRows(statement.kind, node)) return changeKeepingRows(run, index, statement, node, effects);
  await runAsWritten(run.client, statement, effects);
  return undefined;
}

/**
 * A cleanup's DELETE (and archive INSERT), keeping the rows it removes. The
 * rows it removed are the recount: when they are not the approved ones (the
 * data changed since approval, or an approved estimate is over the caps once
 * counted exactly), the caller rolls back, delete and backup alike, and asks again.
 */
async function deleteKeepingRows(run: StatementRun, plan: NonNullable<StatementRun['plan']>, index: number, effects: Effects): Promise<Recount | undefined> {
  const archive = plan.archiveTable ? { table: plan.archiveTable, threadId: run.state.threadId! } : undefined;
  const captured = await changeAndKeep(run.client, plan.statement, run.owner, { shape: 'rows', ...(archive ? { archive } : {}) });
  if (archive) effects.results.push({ kind: 'InsertStmt', command: 'INSERT', rowCount: captured.archived });
  effects.results.push({ kind: 'DeleteStmt', command: 'DELETE', rowCount: captured.deleted });
  effects.backups.push(captured.backup);
  effects.changes.push({
    statement: index + 1,
    backup: captured.backup.backup,
    deleted: captured.deleted,
    updated: 0,
    inserted: 0,
    kept: captured.kept,
    keptIn: captured.keptIn,
  });
  effects.counted = captured.deleted;
  const approved = run.state.blastRadius;
  if (approved && !countStillApproved(approved, captured.deleted, run.caps)) return { approved: approved.rows, found: captured.deleted };
  return undefined;
}

/**
 * DROP TABLE moves each table to airlock_trash instead, so that it can be
 * undone. False when a table is not there: the DROP itself then runs, to
 * fail, or to do nothing for IF EXISTS.
 */
async function dropIntoTrash(run: StatementRun, statement: StatementVerdict, effects: Effects): Promise<boolean> {
  const moved = [];
  for (const table of statement.tables) {
    const backup = await moveToTrash(run.client, table, run.owner, ++effects.trashed);
    if (backup) moved.push(backup);
  }
  effects.backups.push(...moved);
  if (moved.length !== statement.tables.length) return false;
  effects.results.push({ kind: statement.kind, command: 'DROP', rowCount: null });
  return true;
}

/**
 * A migration's DELETE/UPDATE/MERGE/upsert keeps the rows it deletes or
 * overwrites from its own RETURNING, in the same execution. Measured by the
 * dry-run with only reads before it: the same rows, or ask again.
 */
async function changeKeepingRows(
  run: StatementRun,
  index: number,
  statement: StatementVerdict,
  node: Record<string, unknown>,
  effects: Effects,
): Promise<Recount | undefined> {
  const captured = await changeAndKeep(run.client, { kind: statement.kind, node }, run.owner, { shape: 'changed', statement: index + 1 });
  effects.results.push({ kind: statement.kind, command: COMMAND_OF[statement.kind] ?? null, rowCount: captured.total });
  effects.backups.push(captured.backup);
  const { deleted, updated, inserted, kept, keptIn } = captured;
  effects.changes.push({ statement: index + 1, backup: captured.backup.backup, deleted, updated, inserted, kept, keptIn });
  const measured = run.state.blastRadius?.statements?.find((one) => one.statement === index + 1);
  const onlyReadsBefore = run.state.classification!.statements.slice(0, index).every((earlier) => earlier.tier === 'read');
  if (measured && onlyReadsBefore && !countStillApproved(measured, captured.destroyed, run.caps)) {
    return { approved: measured.rows, found: captured.destroyed, statement: index + 1 };
  }
  return undefined;
}

/**
 * Any other statement, as written: one per round trip, on the extended
 * protocol, which refuses a string smuggling several statements (a COMMIT
 * cannot end our transaction).
 */
async function runAsWritten(client: pg.PoolClient, statement: StatementVerdict, effects: Effects): Promise<void> {
  const outcome = await client.query({ text: statement.text, queryMode: 'extended' } as pg.QueryConfig);
  effects.results.push({ kind: statement.kind, command: outcome.command ?? null, rowCount: outcome.rowCount ?? null });
  if (outcome.fields?.length) effects.rows = outcome.rows.slice(0, MAX_ROWS_KEPT);
}
