import type pg from 'pg';
import type { BackupKind, TrashedName } from '../contracts/backup-record.ts';
import { insertBackup } from '../store/backups.ts';
import { faultPoint } from '../runtime/fault-injection.ts';
import { quotedTable, splitQualified } from '../sql/names.ts';

/**
 * What was kept, where, and of what kind: `rows` a cleanup removed, `archived`
 * rows a cleanup moved to its archive table, a `table` a migration dropped, a
 * dropped `column`'s values by primary key, a whole-table `copy`, the rows
 * a migration's DELETE/UPDATE/MERGE/upsert `changed` (old values, tagged), or the
 * old `definition` of a function, view, rule or trigger a CREATE OR REPLACE overwrote.
 */
export interface Backup {
  source: string;
  backup: string;
  rows: number;
  kind?: BackupKind;
  /** A dropped column's name (kind `column`). */
  column?: string;
  /** A trashed table's indexes and owned sequences, under the names they have in the trash. */
  renamed?: TrashedName[];
}
export type { BackupKind, TrashedName };

export interface BackupOwner {
  threadId: string;
  idempotencyKey: string;
  actionId: string;
  environment: string;
  /** When the backup is taken, by Airlock's clock: "older than" prunes read it. */
  createdAt: Date;
}

function quoted(client: pg.PoolClient, table: string): { schema: string; name: string; sql: string } {
  const [schema, name] = splitQualified(table);
  return { schema, name, sql: quotedTable(table) };
}

async function exists(client: pg.PoolClient, sql: string): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [sql]);
  return Boolean(rows[0]?.found);
}

/**
 * An order-independent fingerprint of a table's rows (count and a sum of
 * 64-bit row hashes): undo compares it, and refuses a backup changed since it
 * was taken. One pass, no sort.
 */
export async function fingerprintOf(client: pg.PoolClient | pg.Pool, table: string): Promise<string> {
  const { rows } = await client.query<{ fingerprint: string }>(
    `SELECT count(*) || ':' || coalesce(sum(hashtextextended(b::text, 0)::numeric), 0) AS fingerprint FROM ${table} AS b`,
  );
  return rows[0]!.fingerprint;
}

/**
 * Record a backup. Its fingerprint is computed by scanning it, unless the
 * caller has it already (taken from the effect that wrote it, effect-capture.ts)
 * or it is not fingerprinted at all (`false`: a trashed table, checked by count).
 */
export async function register(
  client: pg.PoolClient,
  owner: BackupOwner,
  backup: Backup,
  fingerprinted: boolean | { fingerprint: string } = true,
): Promise<Backup> {
  const fingerprint =
    typeof fingerprinted === 'object' ? fingerprinted.fingerprint : fingerprinted ? await fingerprintOf(client, quoted(client, backup.backup).sql) : null;
  await insertBackup(client, {
    idempotency_key: owner.idempotencyKey,
    thread_id: owner.threadId,
    source_table: backup.source,
    backup_table: backup.backup,
    row_count: String(backup.rows),
    action_id: owner.actionId,
    kind: backup.kind ?? 'copy',
    environment: owner.environment,
    source_column: backup.column ?? null,
    fingerprint,
    created_at: owner.createdAt,
    renamed: backup.renamed ?? null,
  });
  faultPoint('during-backup');
  return backup;
}

/**
 * Copy each table aside into schema `airlock` of the target database, inside
 * the migration's own transaction: the copy exists exactly when the effect
 * does. Tables that do not exist (DROP … IF EXISTS) are skipped.
 */
export async function backUpTables(client: pg.PoolClient, tables: string[], owner: BackupOwner): Promise<Backup[]> {
  const backups: Backup[] = [];
  for (const [index, table] of tables.entries()) {
    const source = quoted(client, table);
    if (!(await exists(client, source.sql))) continue;
    const backup = `${owner.actionId}_copy_${index + 1}`;
    const copied = await client.query(`CREATE TABLE airlock.${client.escapeIdentifier(backup)} AS TABLE ${source.sql}`);
    backups.push(await register(client, owner, { source: table, backup: `airlock.${backup}`, rows: copied.rowCount ?? 0, kind: 'copy' }));
  }
  return backups;
}

/**
 * What moves with a table into another schema and is named in that schema's
 * namespace: its indexes (constraint indexes included: renaming one renames
 * its constraint) and the sequences its columns own (serial, identity).
 * Constraints, triggers and policies are named per table and never collide.
 */
async function travellers(client: pg.PoolClient, tableSql: string): Promise<{ kind: TrashedName['kind']; name: string }[]> {
  const { rows } = await client.query<{ kind: TrashedName['kind']; name: string }>(
    `SELECT 'index' AS kind, c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass
     UNION ALL
     SELECT 'sequence', s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::regclass
        AND s.relkind = 'S' AND d.deptype IN ('a', 'i')
     ORDER BY 1, 2`,
    [tableSql],
  );
  return rows;
}

/**
 * Instead of dropping a table, move it to `airlock_trash` under the action's
 * name: `airlock undo` moves it back. Its indexes and owned sequences are
 * renamed after the action too, so a table of the same name can be dropped
 * again (and trashed beside it) without their names colliding; undo gives
 * them their names back. Undefined when there is no such table (the DROP
 * itself then says so, or does nothing for IF EXISTS).
 */
export async function moveToTrash(client: pg.PoolClient, table: string, owner: BackupOwner, index: number): Promise<Backup | undefined> {
  const source = quoted(client, table);
  if (!(await exists(client, source.sql))) return undefined;
  const name = `${owner.actionId}_${index}`;
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${source.sql}`);
  const schema = client.escapeIdentifier(source.schema);
  const renamed: TrashedName[] = [];
  for (const [n, object] of (await travellers(client, source.sql)).entries()) {
    const trashed = `${name}_${object.kind === 'index' ? 'i' : 's'}${n + 1}`;
    const kind = object.kind === 'index' ? 'INDEX' : 'SEQUENCE';
    await client.query(`ALTER ${kind} ${schema}.${client.escapeIdentifier(object.name)} RENAME TO ${client.escapeIdentifier(trashed)}`);
    renamed.push({ kind: object.kind, original: object.name, trashed });
  }
  await client.query(`ALTER TABLE ${source.sql} RENAME TO ${client.escapeIdentifier(name)}`);
  await client.query(`ALTER TABLE ${schema}.${client.escapeIdentifier(name)} SET SCHEMA airlock_trash`);
  // Not fingerprinted: a rename costs nothing, hashing a large table would. Undo checks its row count instead.
  const { renamed: _kept, ...backup } = await register(
    client, owner, { source: table, backup: `airlock_trash.${name}`, rows: Number(rows[0]?.n ?? 0), kind: 'table', renamed }, false,
  );
  return backup; // the renames are kept with the backup's row, for undo; the outcome shows the table

}

/** The primary key's columns of a table, in key order; empty when it has none. */
export async function primaryKeyOf(client: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column: string }>(
    `SELECT a.attname AS column
       FROM pg_index i
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY k.position`,
    [table],
  );
  return rows.map((row) => row.column);
}

/**
 * Before DROP COLUMN: the column's values with the table's primary key, in
 * `airlock_backup.<action>_col_<n>`. Undefined when the table or column is not
 * there (the DROP then fails, or IF EXISTS does nothing) or the table has no
 * primary key to put the values back by (the caller copies the whole table).
 */
export async function backUpColumn(
  client: pg.PoolClient,
  table: string,
  column: string,
  owner: BackupOwner,
  index: number,
): Promise<Backup | undefined> {
  const source = quoted(client, table);
  if (!(await exists(client, source.sql))) return undefined;
  const { rows: found } = await client.query('SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped', [
    source.sql,
    column,
  ]);
  if (found.length === 0) return undefined;
  const key = await primaryKeyOf(client, source.sql);
  if (key.length === 0 || key.includes(column)) return undefined;
  const name = `${owner.actionId}_col_${index}`;
  const columns = [...key, column].map((c) => client.escapeIdentifier(c)).join(', ');
  const copied = await client.query(`CREATE TABLE airlock_backup.${client.escapeIdentifier(name)} AS SELECT ${columns} FROM ${source.sql}`);
  return register(client, owner, { source: table, backup: `airlock_backup.${name}`, rows: copied.rowCount ?? 0, kind: 'column', column });
}
