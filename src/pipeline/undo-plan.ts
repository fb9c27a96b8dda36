import type pg from 'pg';
import { archiveTableFor } from '../policy/cleanup-request.ts';
import { useAirlock } from '../runtime/airlock.ts';
import type { BackupRow } from '../contracts/backup-record.ts';
import { backupsOfAction } from '../store/backups.ts';
import { AirlockError, badInput, ExitCode } from '../contracts/errors.ts';
import { fingerprintOf } from './backup.ts';
import { quoteIdentifier as quote, quotedTable as qualified, splitQualified } from '../sql/names.ts';

/** A backup row, with what the undo plan reads from the catalogue at undo time. */
interface BackupRecord extends BackupRow {
  /** kind `column`: the backup's key columns and the column's type, read at undo time. */
  key?: string[];
  type?: string;
  /** kind `changed`: the source's primary key, the columns to put back, and how many rows of each change the backup holds. */
  primaryKey?: string[];
  columns?: string[];
  changeCounts?: Record<string, number>;
  /** kind `definition`: the SQL that restores the old definition, read at undo time. */
  restore?: string;
}

/**
 * Undo a migration statement's changes from its backup (kind `changed`): take
 * out the rows it inserted, put back the old values of the rows it updated
 * (both by primary key), insert again the rows it deleted.
 */
function undoChangedSql(backup: BackupRecord): string {
  const source = qualified(backup.source_table);
  const kept = qualified(backup.backup_table);
  const key = backup.primaryKey ?? [];
  const columns = backup.columns ?? [];
  const counts = backup.changeCounts ?? {};
  if (key.length === 0 && ((counts.UPDATE ?? 0) > 0 || (counts.INSERT ?? 0) > 0)) {
    throw badInput(
      `${backup.source_table} has no primary key, so the rows ${backup.backup_table} holds cannot be matched back to the rows that were updated or inserted: restore from it by hand`,
    );
  }
  const match = key.map((column) => `t.${quote(column)} = b.${quote(column)}`).join(' AND ');
  const list = columns.map(quote).join(', ');
  const sql = [];
  if ((counts.INSERT ?? 0) > 0) sql.push(`DELETE FROM ${source} AS t USING ${kept} AS b WHERE b.airlock_change = 'INSERT' AND ${match};`);
  if ((counts.UPDATE ?? 0) > 0) {
    const set = columns.map((column) => `${quote(column)} = b.${quote(column)}`).join(', ');
    sql.push(`UPDATE ${source} AS t SET ${set} FROM ${kept} AS b WHERE b.airlock_change = 'UPDATE' AND ${match};`);
  }
  if ((counts.DELETE ?? 0) > 0) sql.push(`INSERT INTO ${source} (${list}) SELECT ${list} FROM ${kept} WHERE airlock_change = 'DELETE';`);
  return sql.join('\n');
}


/** The SQL that puts back what an action kept: its rows, or its table. */
function undoSqlFor(backups: BackupRecord[]): string {
  // A migration's row changes are put back last and in reverse order, after its tables and columns are back.
  const ordered = [...backups.filter((backup) => backup.kind !== 'changed'), ...backups.filter((backup) => backup.kind === 'changed').reverse()];
  return ordered
    .map((backup) => {
      if (backup.kind === 'changed') return undoChangedSql(backup);
      if (backup.kind === 'rows') return `INSERT INTO ${qualified(backup.source_table)} SELECT * FROM ${qualified(backup.backup_table)};`;
      if (backup.kind === 'archived') {
        // Back from the backup, and out of the archive table (the rows this thread put there).
        return [
          `INSERT INTO ${qualified(backup.source_table)} SELECT * FROM ${qualified(backup.backup_table)};`,
          `DELETE FROM ${qualified(archiveTableFor(backup.source_table))} WHERE airlock_thread_id = '${backup.thread_id.replace(/'/g, "''")}';`,
        ].join('\n');
      }
      if (backup.kind === 'table') {
        const [schema, name] = splitQualified(backup.source_table);
        const [, trashed] = splitQualified(backup.backup_table);
        // Back into its schema under its own name, then its indexes and sequences under theirs.
        return [
          `ALTER TABLE ${qualified(backup.backup_table)} SET SCHEMA ${quote(schema)};`,
          `ALTER TABLE ${quote(schema)}.${quote(trashed)} RENAME TO ${quote(name)};`,
          ...(backup.renamed ?? []).map(
            (object) => `ALTER ${object.kind === 'index' ? 'INDEX' : 'SEQUENCE'} ${quote(schema)}.${quote(object.trashed)} RENAME TO ${quote(object.original)};`,
          ),
        ].join('\n');
      }
      // The SQL that puts back a definition a CREATE OR REPLACE overwrote, kept when it ran.
      if (backup.kind === 'definition' && backup.restore) return backup.restore;
      if (backup.kind === 'column' && backup.source_column && backup.key?.length && backup.type) {
        const column = quote(backup.source_column);
        const match = backup.key.map((key) => `t.${quote(key)} = b.${quote(key)}`).join(' AND ');
        return [
          `ALTER TABLE ${qualified(backup.source_table)} ADD COLUMN ${column} ${backup.type};`,
          `UPDATE ${qualified(backup.source_table)} AS t SET ${column} = b.${column} FROM ${qualified(backup.backup_table)} AS b WHERE ${match};`,
        ].join('\n');
      }
      throw badInput(
        `this action's backup is a copy of the whole table (${backup.backup_table}), which airlock undo cannot merge back by itself: restore from it by hand`,
      );
    })
    .join('\n');
}

/**
 * A backup must hold what was kept when the action ran: the same rows (by
 * fingerprint), or for a trashed table the same number of rows. Otherwise it
 * was changed since, and restoring from it would restore something else.
 */
async function checkUntouched(target: pg.Pool, actionId: string, backup: BackupRecord): Promise<void> {
  const table = qualified(backup.backup_table);
  const changed = (now: string) =>
    new AirlockError(
      `the backup ${backup.backup_table} of ${actionId} was changed since the action ran (${now}): airlock undo will not restore from it. Nothing was changed; compare it with what ${actionId} removed (airlock history ${backup.thread_id}) and restore by hand if you trust it`,
      ExitCode.blocked,
    );
  if (backup.fingerprint) {
    const now = await fingerprintOf(target, table);
    if (now !== backup.fingerprint) {
      const [rowsThen] = backup.fingerprint.split(':');
      const [rowsNow] = now.split(':');
      throw changed(rowsThen === rowsNow ? `same ${rowsNow} rows, different content` : `${rowsThen} rows then, ${rowsNow} now`);
    }
  } else if (backup.kind === 'table') {
    const { rows } = await target.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    if (Number(rows[0]!.n) !== Number(backup.row_count)) throw changed(`${backup.row_count} rows then, ${rows[0]!.n} now`);
  }
}

/**
 * A trashed table goes back under its own name, with its indexes and
 * sequences under theirs: refuse before anyone is asked when another object
 * has taken one of those names since (a table of the same name made again).
 */
async function checkNamesFree(target: pg.Pool, actionId: string, backup: BackupRecord): Promise<void> {
  const [schema, name] = splitQualified(backup.source_table);
  const names = [name, ...(backup.renamed ?? []).map((object) => object.original)];
  const { rows } = await target.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2) ORDER BY 1',
    [schema, names],
  );
  if (rows.length) {
    throw new AirlockError(
      `${actionId} cannot be undone yet: ${rows.map((row) => `${schema}.${row.name}`).join(', ')} exists again, and the trashed ${backup.source_table} goes back under ${rows.length > 1 ? 'those names' : 'that name'}. Nothing was changed; drop or rename what holds the name (a DROP TABLE through Airlock keeps it in the trash too), then undo again`,
      ExitCode.blocked,
    );
  }
}

/**
 * What undoing an action would run, and where: after checking that its
 * backups are all there and unchanged. Throws a one-line error otherwise.
 * `given`: the database the action ran on (the dry-run passes its deps'
 * target; without it, the process's own, as for `airlock undo`).
 */
export async function undoPlan(actionId: string, given?: pg.Pool): Promise<{ sql: string; environment: string }> {
  const target = given ?? (await useAirlock()).databases.target;
  const rows: BackupRecord[] = await backupsOfAction(target, actionId);
  if (rows.length === 0) {
    throw badInput(`no action ${actionId} with a backup: the id is printed by migrate/cleanup/approve as action_id (see "airlock history THREAD")`);
  }
  const missing = [];
  for (const backup of rows) {
    const { rows: found } = await target.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [
      qualified(backup.backup_table),
    ]);
    if (!found[0]?.ok) missing.push(backup.backup_table);
  }
  if (missing.length) {
    throw badInput(`the backup ${missing.join(', ')} of ${actionId} is gone (pruned, or removed by hand): nothing can be restored from it`);
  }
  for (const backup of rows) await checkUntouched(target, actionId, backup);
  for (const backup of rows.filter((one) => one.kind === 'table')) await checkNamesFree(target, actionId, backup);
  for (const backup of rows.filter((one) => one.kind === 'column')) {
    const { rows: columns } = await target.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [qualified(backup.backup_table)],
    );
    backup.key = columns.filter((column) => column.name !== backup.source_column).map((column) => column.name);
    backup.type = columns.find((column) => column.name === backup.source_column)?.type;
  }
  for (const backup of rows.filter((one) => one.kind === 'changed')) {
    const { rows: columns } = await target.query<{ name: string }>(
      `SELECT b.attname AS name FROM pg_attribute b
         JOIN pg_attribute s ON s.attrelid = $2::regclass AND s.attname = b.attname AND s.attnum > 0 AND NOT s.attisdropped AND s.attgenerated = ''
        WHERE b.attrelid = $1::regclass AND b.attnum > 0 AND NOT b.attisdropped AND b.attname <> 'airlock_change' ORDER BY b.attnum`,
      [qualified(backup.backup_table), qualified(backup.source_table)],
    );
    const { rows: key } = await target.query<{ name: string }>(
      `SELECT a.attname AS name FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.position`,
      [qualified(backup.source_table)],
    );
    const { rows: counts } = await target.query<{ change: string; n: string }>(
      `SELECT airlock_change AS change, count(*) AS n FROM ${qualified(backup.backup_table)} GROUP BY 1`,
    );
    backup.columns = columns.map((column) => column.name);
    backup.primaryKey = key.map((column) => column.name);
    if (key.length) {
      // An UPDATE that changed a key (or a row deleted since) cannot be matched back: undo would quietly restore less.
      const match = key.map((column) => `t.${quote(column.name)} = b.${quote(column.name)}`).join(' AND ');
      const { rows: lost } = await target.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${qualified(backup.backup_table)} b WHERE b.airlock_change = 'UPDATE' AND NOT EXISTS (SELECT 1 FROM ${qualified(backup.source_table)} t WHERE ${match})`,
      );
      if (Number(lost[0]!.n) > 0) {
        throw new AirlockError(
          `${lost[0]!.n} of the rows ${actionId} updated are no longer in ${backup.source_table} under their old key (the update changed the key, or they were deleted since): airlock undo would restore only part of it. Nothing was changed; restore from ${backup.backup_table} by hand`,
          ExitCode.blocked,
        );
      }
    }
    backup.changeCounts = Object.fromEntries(counts.map((row) => [row.change, Number(row.n)]));
  }
  for (const backup of rows.filter((one) => one.kind === 'definition')) {
    const { rows: kept } = await target.query<{ restore: string }>(`SELECT restore FROM ${qualified(backup.backup_table)}`);
    backup.restore = kept[0]?.restore;
  }
  return { sql: undoSqlFor(rows), environment: rows[0]!.environment ?? 'production' };
}
