import type pg from 'pg';
import { BackupRow, type NewBackupRow } from '../contracts/backup-record.ts';

/**
 * Every query against airlock.backups. Rows are read through the BackupRow
 * schema: a row that does not fit it (a kind this version does not know, a
 * hand-edited column) is an error, never guessed at.
 */

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const COLUMNS = Object.keys(BackupRow.shape).join(', ');
const INSERTED = [
  'idempotency_key', 'thread_id', 'source_table', 'backup_table', 'row_count', 'action_id', 'kind', 'environment', 'source_column',
  'fingerprint', 'created_at', 'renamed',
] as const satisfies readonly (keyof NewBackupRow)[];

function rowsOf(result: pg.QueryResult): BackupRow[] {
  return result.rows.map((row) => BackupRow.parse({ ...row, backup_id: String(row.backup_id), row_count: String(row.row_count) }));
}

export async function insertBackup(db: Queryable, row: NewBackupRow): Promise<void> {
  const values = INSERTED.map((column) => (column === 'renamed' ? (row.renamed ? JSON.stringify(row.renamed) : null) : row[column]));
  await db.query(`INSERT INTO airlock.backups (${INSERTED.join(', ')}) VALUES (${INSERTED.map((_, i) => `$${i + 1}`).join(', ')})`, values);
}

/** Every backup, oldest first. */
export async function allBackups(db: Queryable): Promise<BackupRow[]> {
  return rowsOf(await db.query(`SELECT ${COLUMNS} FROM airlock.backups ORDER BY created_at, backup_id`));
}

/** The backups one action kept, in the order they were taken. */
export async function backupsOfAction(db: Queryable, actionId: string): Promise<BackupRow[]> {
  return rowsOf(await db.query(`SELECT ${COLUMNS} FROM airlock.backups WHERE action_id = $1 ORDER BY backup_id`, [actionId]));
}

/** Backups taken before `cutoff`, locked for the caller's transaction (pruning). */
export async function lockBackupsOlderThan(client: pg.PoolClient, cutoff: Date): Promise<BackupRow[]> {
  return rowsOf(await client.query(`SELECT ${COLUMNS} FROM airlock.backups WHERE created_at < $1 ORDER BY backup_id FOR UPDATE`, [cutoff]));
}

export async function deleteBackupRow(client: pg.PoolClient, backupId: string): Promise<void> {
  await client.query('DELETE FROM airlock.backups WHERE backup_id = $1', [backupId]);
}

/** Mark an action's backups undone, in the restore's own transaction. */
export async function markBackupsUndone(client: pg.PoolClient, actionId: string, undoneBy: string, undoneAt: Date): Promise<void> {
  await client.query('UPDATE airlock.backups SET undone_by = $2, undone_at = $3 WHERE action_id = $1', [actionId, undoneBy, undoneAt]);
}
