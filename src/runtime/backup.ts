import type pg from 'pg';
import { faultPoint } from './fault-injection.ts';

/** What was kept, where, and of what kind: `rows` a cleanup removed, a `table` a migration dropped, or a whole-table `copy`. */
export interface Backup {
  source: string;
  backup: string;
  rows: number;
  kind?: 'rows' | 'table' | 'copy';
}

export interface BackupOwner {
  threadId: string;
  idempotencyKey: string;
  actionId: string;
  environment: string;
}

function quoted(client: pg.PoolClient, table: string): { schema: string; name: string; sql: string } {
  const [schema, name] = table.split('.') as [string, string];
  return { schema, name, sql: `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}` };
}

async function exists(client: pg.PoolClient, sql: string): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [sql]);
  return Boolean(rows[0]?.found);
}

async function register(client: pg.PoolClient, owner: BackupOwner, backup: Backup): Promise<Backup> {
  await client.query(
    `INSERT INTO airlock.backups (idempotency_key, thread_id, source_table, backup_table, row_count, action_id, kind, environment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [owner.idempotencyKey, owner.threadId, backup.source, backup.backup, backup.rows, owner.actionId, backup.kind, owner.environment],
  );
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

/** The rows a cleanup is about to delete, kept exactly, in `airlock_backup.<action>`. */
export async function backUpRows(client: pg.PoolClient, table: string, predicate: string, owner: BackupOwner): Promise<Backup> {
  const source = quoted(client, table);
  const copied = await client.query(
    `CREATE TABLE airlock_backup.${client.escapeIdentifier(owner.actionId)} AS SELECT * FROM ${source.sql} WHERE (${predicate})`,
  );
  return register(client, owner, { source: table, backup: `airlock_backup.${owner.actionId}`, rows: copied.rowCount ?? 0, kind: 'rows' });
}

/**
 * Instead of dropping a table, move it to `airlock_trash` under the action's
 * name: `airlock undo` moves it back. Undefined when there is no such table
 * (the DROP itself then says so, or does nothing for IF EXISTS).
 */
export async function moveToTrash(client: pg.PoolClient, table: string, owner: BackupOwner, index: number): Promise<Backup | undefined> {
  const source = quoted(client, table);
  if (!(await exists(client, source.sql))) return undefined;
  const name = `${owner.actionId}_${index}`;
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${source.sql}`);
  await client.query(`ALTER TABLE ${source.sql} RENAME TO ${client.escapeIdentifier(name)}`);
  await client.query(`ALTER TABLE ${client.escapeIdentifier(source.schema)}.${client.escapeIdentifier(name)} SET SCHEMA airlock_trash`);
  return register(client, owner, { source: table, backup: `airlock_trash.${name}`, rows: Number(rows[0]?.n ?? 0), kind: 'table' });
}
