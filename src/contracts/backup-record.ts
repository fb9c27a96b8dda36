import { z } from 'zod';

/**
 * A row of airlock.backups: what an approved action kept for undo. Defined
 * once, here; the store (src/store/backups.ts) reads every row
 * through it and writes the columns it names, the undo plan and
 * `airlock backups` use its type. The DDL is src/store/migrations/ledger.ts.
 */

export const BackupKind = z.enum(['rows', 'archived', 'table', 'column', 'copy', 'changed', 'definition']);
export type BackupKind = z.infer<typeof BackupKind>;

/** An object that travelled to the trash with its table, renamed there so that names never collide. */
export const TrashedName = z.object({
  kind: z.enum(['index', 'sequence']),
  original: z.string(),
  trashed: z.string(),
});
export type TrashedName = z.infer<typeof TrashedName>;

export const BackupRow = z.object({
  backup_id: z.string(),
  idempotency_key: z.string(),
  thread_id: z.string(),
  /** `schema.table` the rows, column or table came from. */
  source_table: z.string(),
  /** `schema.table` where they are kept (airlock_backup or airlock_trash). */
  backup_table: z.string(),
  /** bigint: pg returns it as text. */
  row_count: z.string(),
  action_id: z.string().nullable(),
  kind: BackupKind,
  environment: z.string().nullable(),
  /** kind `column`: the dropped column's name. */
  source_column: z.string().nullable(),
  /** The backup's content fingerprint when it was taken: undo refuses a copy changed since. */
  fingerprint: z.string().nullable(),
  created_at: z.date(),
  /** kind `table`: its indexes and sequences, renamed in the trash. */
  renamed: z.array(TrashedName).nullable(),
  /** The undo that put it back, in the restore's own transaction. */
  undone_by: z.string().nullable(),
  undone_at: z.date().nullable(),
});
export type BackupRow = z.infer<typeof BackupRow>;

/** Every column, in the table's order (what the store selects). */
export const BACKUP_COLUMNS = Object.keys(BackupRow.shape) as (keyof BackupRow)[];

/** What a new backup row is given; the database fills in the id, and undone_* stay empty until an undo. */
export const NewBackupRecord = BackupRow.omit({ backup_id: true, undone_by: true, undone_at: true });
export type NewBackupRow = z.infer<typeof NewBackupRecord>;
/** The columns an INSERT of a new backup writes. */
export const NEW_BACKUP_COLUMNS = Object.keys(NewBackupRecord.shape) as (keyof NewBackupRow)[];
