import type pg from 'pg';
import { captureSql, capturedCounts } from '../policy/effect-capture.ts';
import type { RangeVar } from '../policy/row-change.ts';
import { register, type Backup, type BackupOwner } from './backup.ts';
import { quotedTable } from '../sql/names.ts';

/**
 * Run a statement that changes rows so that it keeps what it changes, in the
 * same execution (effect-capture.ts): a cleanup's removed rows in
 * `airlock_backup.<action>`, a migration statement's changed rows in
 * `airlock_backup.<action>_s<n>`. Inside the caller's transaction: the backup
 * exists exactly when the effect does.
 */
export interface CapturedChange {
  backup: Backup;
  deleted: number;
  updated: number;
  inserted: number;
  /** deleted + updated: the rows the approval's count is about. */
  destroyed: number;
  total: number;
  kept: number;
  archived: number;
}

/** Where a statement's table resolves, by the search_path in force: `{ schema, name }`. */
export async function resolveTable(client: pg.PoolClient, relation: RangeVar): Promise<{ schema: string; name: string; sql: string }> {
  const written = `${relation.schemaname ? `${client.escapeIdentifier(relation.schemaname)}.` : ''}${client.escapeIdentifier(relation.relname ?? '')}`;
  const { rows } = await client.query<{ schema: string; name: string }>(
    'SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)',
    [written],
  );
  const found = rows[0];
  if (!found) throw new Error(`there is no table ${relation.schemaname ? `${relation.schemaname}.` : ''}${relation.relname}`);
  return { ...found, sql: `${client.escapeIdentifier(found.schema)}.${client.escapeIdentifier(found.name)}` };
}

export async function changeAndKeep(
  client: pg.PoolClient,
  statement: { kind: string; node: Record<string, unknown> },
  owner: BackupOwner,
  options: { shape: 'rows' | 'changed'; statement?: number; archive?: { table: string; threadId: string } },
): Promise<CapturedChange> {
  const source = await resolveTable(client, statement.node.relation as RangeVar);
  const name = options.shape === 'rows' ? owner.actionId : `${owner.actionId}_s${options.statement ?? 1}`;
  const backup = `airlock_backup.${client.escapeIdentifier(name)}`;
  const tag = options.shape === 'changed' ? 'NULL::text AS airlock_change, ' : '';
  await client.query(`CREATE TABLE ${backup} AS SELECT ${tag}t.* FROM ${source.sql} AS t WITH NO DATA`);
  const archive = options.archive
    ? quotedTable(options.archive.table)
    : undefined;
  const sql = captureSql(statement, { backup, shape: options.shape, ...(archive ? { archive } : {}) });
  const { rows } = await client.query({ text: sql, values: archive ? [options.archive!.threadId] : [], queryMode: 'extended' } as pg.QueryConfig);
  const counts = capturedCounts(rows);
  const kind = options.shape === 'changed' ? 'changed' : options.archive ? 'archived' : 'rows';
  // Fingerprinted from the rows the INSERT wrote, in the same statement: no second scan of the backup.
  const registered = await register(
    client,
    owner,
    { source: `${source.schema}.${source.name}`, backup: `airlock_backup.${name}`, rows: counts.kept, kind },
    { fingerprint: counts.fingerprint },
  );
  const { fingerprint: _fingerprint, ...figures } = counts;
  return { backup: registered, ...figures };
}
