import type pg from 'pg';
import { BACKUP_COLUMNS, BackupRow, NEW_BACKUP_COLUMNS, type NewBackupRow } from '../contracts/backup-record.ts';
import { quotedTable } from '../sql/names.ts';

/**
 * Every query against airlock.backups, and the pruning of what it registers
 * in airlock_backup and airlock_trash. Rows are read through the BackupRow
 * schema: a row that does not fit it (a kind this version does not know, a
 * hand-edited column) is an error, never guessed at.
 */

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const COLUMNS = BACKUP_COLUMNS.join(', ');

function rowsOf(result: pg.QueryResult): BackupRow[] {
  return result.rows.map((row) => BackupRow.parse({ ...row, backup_id: String(row.backup_id), row_count: String(row.row_count) }));
}

export async function insertBackup(db: Queryable, row: NewBackupRow): Promise<void> {
  const values = NEW_BACKUP_COLUMNS.map((column) => (column === 'renamed' ? (row.renamed ? JSON.stringify(row.renamed) : null) : row[column]));
  await db.query(
    `INSERT INTO airlock.backups (${NEW_BACKUP_COLUMNS.join(', ')}) VALUES (${NEW_BACKUP_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
}

/** Every backup, oldest first. */
export async function allBackups(db: Queryable): Promise<BackupRow[]> {
  return rowsOf(await db.query(`SELECT ${COLUMNS} FROM airlock.backups ORDER BY created_at, backup_id`));
}

/** The backups one action kept, in the order they were taken. */
export async function backupsOfAction(db: Queryable, actionId: string): Promise<BackupRow[]> {
  return rowsOf(await db.query(`SELECT ${COLUMNS} FROM airlock.backups WHERE action_id = $1 ORDER BY backup_id`, [actionId]));
}

/**
 * Drop every backup taken before `cutoff` (its kept table and its row), in
 * one transaction, the rows locked for its length: after it, those actions
 * can no longer be undone. Returns what was pruned, in the order taken.
 */
export async function pruneBackupsOlderThan(pool: pg.Pool, cutoff: Date): Promise<BackupRow[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rows = rowsOf(await client.query(`SELECT ${COLUMNS} FROM airlock.backups WHERE created_at < $1 ORDER BY backup_id FOR UPDATE`, [cutoff]));
    for (const row of rows) {
      await client.query(`DROP TABLE IF EXISTS ${quotedTable(row.backup_table)}`);
      await client.query('DELETE FROM airlock.backups WHERE backup_id = $1', [row.backup_id]);
    }
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Mark an action's backups undone, in the restore's own transaction. */
export async function markBackupsUndone(client: pg.PoolClient, actionId: string, undoneBy: string, undoneAt: Date): Promise<void> {
  await client.query('UPDATE airlock.backups SET undone_by = $2, undone_at = $3 WHERE action_id = $1', [actionId, undoneBy, undoneAt]);
}
