import { createHash } from 'node:crypto';
import type pg from 'pg';
import { faultPoint } from './fault-injection.ts';

export interface Backup {
  source: string;
  backup: string;
  rows: number;
}

/**
 * Copy each table aside into schema `airlock` of the target database, inside
 * the migration's own transaction: the copy exists exactly when the effect
 * does. Tables that do not exist (DROP … IF EXISTS) are skipped.
 */
export async function backUpTables(
  client: pg.PoolClient,
  tables: string[],
  owner: { threadId: string; idempotencyKey: string },
): Promise<Backup[]> {
  const prefix = `backup_${createHash('sha256').update(owner.idempotencyKey).digest('hex').slice(0, 10)}`;
  const backups: Backup[] = [];
  for (const [index, table] of tables.entries()) {
    const [schema, name] = table.split('.') as [string, string];
    const source = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [source]);
    if (!exists.rows[0]?.found) continue;
    const backup = `${prefix}_${index + 1}`;
    const copied = await client.query(`CREATE TABLE airlock.${client.escapeIdentifier(backup)} AS TABLE ${source}`);
    await client.query(
      `INSERT INTO airlock.backups (idempotency_key, thread_id, source_table, backup_table, row_count) VALUES ($1, $2, $3, $4, $5)`,
      [owner.idempotencyKey, owner.threadId, table, `airlock.${backup}`, copied.rowCount ?? 0],
    );
    backups.push({ source: table, backup: `airlock.${backup}`, rows: copied.rowCount ?? 0 });
    faultPoint('during-backup');
  }
  return backups;
}
