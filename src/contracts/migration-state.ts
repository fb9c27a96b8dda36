import { z } from 'zod';
import { DecidedStatus } from './approval-record.ts';
import { BlastRadius } from './blast-radius.ts';
import { Classification, StoredClassification } from './classification.ts';
import { EnvironmentSignal } from './environment-signal.ts';
import { Permit } from './permit.ts';

/** What a caller gives the migration graph. */
export const MigrationInput = z.object({
  sql: z.string().describe('the SQL to run, one or more statements'),
  environment: z.string().describe('where it runs: production, staging, development…'),
  requestedBy: z.string().describe('who asks: a person, or an agent as agent:NAME'),
  /** Set by `airlock undo`: this SQL restores that action from its backup (checked again by the dry-run). */
  undoOf: z.string().optional().describe('the action this undoes (set by airlock undo)'),
});
export type MigrationInput = z.infer<typeof MigrationInput>;

/**
 * The transaction that made a change and kept its rows (its 32-bit id), and
 * the oldest transaction still running when it did: any row written after
 * the capture carries a newer id than that one (verify-backup-keys.ts).
 */
export const KeptIn = z.object({ xid: z.string().regex(/^\d+$/), oldestRunning: z.string().regex(/^\d+$/) });
export type KeptIn = z.infer<typeof KeptIn>;

export const ExecutionResult = z.object({
  statements: z.array(z.object({ kind: z.string(), command: z.string().nullable(), rowCount: z.number().nullable() })),
  /** Up to 50 rows of the last statement that returned rows (reads). */
  rows: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Tables copied aside (in schema airlock of the target) before a destructive migration ran. */
  backups: z
    .array(z.object({ source: z.string(), backup: z.string(), rows: z.number(), kind: z.enum(['rows', 'archived', 'table', 'column', 'copy', 'changed', 'definition']).optional() }))
    .optional(),
  /** The id `airlock undo` takes, when the action kept what it destroyed. */
  actionId: z.string().optional(),
  /** Each statement that changed rows, as its own execution reported it: rows deleted, updated, inserted, and kept in its backup. */
  changes: z
    .array(
      z.object({
        statement: z.number(),
        backup: z.string(),
        deleted: z.number(),
        updated: z.number(),
        inserted: z.number(),
        kept: z.number(),
        /** Which transaction changed the rows and wrote the backup (absent in results recorded before it was kept). */
        keptIn: KeptIn.optional(),
      }),
    )
    .optional(),
  /** A cleanup: the rows its DELETE removed, counted exactly from the DELETE's own RETURNING (not a separate scan). */
  counted: z.number().optional(),
  /** A replay without a named target: the statements ran and were rolled back. */
  rolledBack: z.boolean().optional(),
  /** The ledger already held this action: it ran before, and was not run again. */
  alreadyDone: z.boolean().optional(),
  durationMs: z.number(),
});
export type ExecutionResult = z.infer<typeof ExecutionResult>;

export const ApprovalOutcome = z.object({
  approvalId: z.string(),
  /** As the approval row has it (`edited`: the reviewer replaced the SQL; the new SQL goes through the checks again). */
  status: DecidedStatus,
  decidedBy: z.string(),
  reason: z.string().optional(),
});
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

export const ThreadStatus = z.enum(['running', 'completed', 'blocked', 'rejected', 'failed']);
export type ThreadStatus = z.infer<typeof ThreadStatus>;

export const MigrationState = MigrationInput.extend({
  threadId: z.string().optional(),
  /** Fixed once by classify, so everything derived from it is stable across re-runs. */
  requestedAt: z.string().optional(),
  actionHash: z.string().optional(),
  target: z.string().optional(),
  classification: Classification.optional(),
  /** The environment as resolved from every signal (the flag is one of them). */
  resolvedEnvironment: z.string().optional(),
  environmentSignals: z.array(EnvironmentSignal).optional(),
  permission: Permit.optional(),
  approval: ApprovalOutcome.optional(),
  result: ExecutionResult.optional(),
  /** The last edit a reviewer made: who, of which approval, and the tier it had (a higher tier needs a new approval). */
  edit: z.object({ by: z.string(), fromApprovalId: z.string(), fromTier: z.string(), fromSql: z.string() }).optional(),
  status: ThreadStatus.optional(),
  /** A cleanup's table and filter (the cleanup graph); the SQL is the DELETE built from them. */
  cleanup: z.object({ table: z.string(), predicate: z.string(), mode: z.enum(['delete', 'archive']) }).optional(),
  /** What the dry-run measured: rows affected, the table's size, the share, samples. */
  blastRadius: BlastRadius.optional(),
  /** What each DROP … CASCADE would take with it, from the catalogue (shown to the reviewer). */
  cascade: z.array(z.object({ statement: z.number(), objects: z.array(z.string()) })).optional(),
  /** Execution found a different number of rows than was approved: measure and ask again. */
  recount: z.object({ approved: z.number(), found: z.number(), statement: z.number().optional() }).optional(),
  /** Why the thread ended the way it did, for the person reading the output. */
  reason: z.string().optional(),
  /** The code of the check that stopped it, for code that acts on it (never the reason's words). */
  refusalCode: z.string().optional(),
});
export type MigrationState = z.infer<typeof MigrationState>;

/**
 * The graph's channels: the migration state as its checkpoints keep it. The
 * classification is kept small (StoredClassification: no statement texts, each
 * message once); each step reads it back whole (src/pipeline/pipeline-graph.ts).
 */
export const MigrationChannels = MigrationState.extend({ classification: StoredClassification.optional() });

/** What a caller gives the cleanup graph. */
export const CleanupInput = z.object({
  table: z.string().describe('the table to clean up, optionally schema-qualified'),
  predicate: z.string().describe('the WHERE filter that picks the rows to remove'),
  mode: z
    .enum(['delete', 'archive'])
    .default('delete')
    .describe('delete the rows (kept in airlock_backup for undo), or archive: move them into <table>_archive'),
  environment: z.string().describe('where it runs: production, staging, development…'),
  requestedBy: z.string().describe('who asks: a person, or an agent as agent:NAME'),
});
export type CleanupInput = z.infer<typeof CleanupInput>;

/** The cleanup graph's state: the migration state plus the cleanup's own input (the DELETE is built from it by prepare). */
export const CleanupState = MigrationState.extend({
  table: CleanupInput.shape.table.optional(),
  predicate: CleanupInput.shape.predicate.optional(),
  mode: CleanupInput.shape.mode.optional(),
});
export type CleanupState = z.infer<typeof CleanupState>;

/** The cleanup graph's channels (see MigrationChannels). */
export const CleanupChannels = MigrationChannels.extend({
  table: CleanupInput.shape.table.optional(),
  predicate: CleanupInput.shape.predicate.optional(),
  mode: CleanupInput.shape.mode.optional(),
});
