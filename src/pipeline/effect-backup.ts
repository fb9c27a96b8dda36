import type pg from 'pg';
import { captureSql, capturedCounts } from '../policy/effect-capture.ts';
import type { RangeVar } from '../policy/row-change.ts';
import { register, type Backup, type BackupOwner } from './backup.ts';
import { quotedTable } from '../sql/names.ts';
import type { KeptIn } from '../contracts/migration-state.ts';

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
  /** Which transaction kept the rows, and the oldest still running when it did: verify-backup-keys.ts's proof that nothing touched them since. */
  keptIn: KeptIn;
}

/**
 * The capture's own work_mem: at least this much, for that one statement.
 * Its CTEs hold every removed row in a tuplestore (read twice: by the INSERT
 * and the count) and every kept row (read by the count and the fingerprint);
 * at the default 4MB both spill to temporary files (25 MB each for 500,000
 * rows of three columns), which cost ~10% of the statement. Bounded, raised
 * only (a larger setting is kept), and put back right after the statement.
 */
export const CAPTURE_WORK_MEM = '128MB';

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
  // Before the capture's own snapshot: its oldest running transaction is no older than this one's.
  const { rows: settings } = await client.query<{ previous: string; xid: string; oldest: string }>(
    `SELECT current_setting('work_mem') AS previous, pg_current_xact_id()::xid::text AS xid, pg_snapshot_xmin(pg_current_snapshot())::xid::text AS oldest,
            set_config('work_mem', CASE WHEN pg_size_bytes(current_setting('work_mem')) < pg_size_bytes($1) THEN $1 ELSE current_setting('work_mem') END, true)`,
    [CAPTURE_WORK_MEM],
  );
  const { rows } = await client.query({ text: sql, values: archive ? [options.archive!.threadId] : [], queryMode: 'extended' } as pg.QueryConfig);
  await client.query(`SELECT set_config('work_mem', $1, true)`, [settings[0]!.previous]);
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
  return { backup: registered, ...figures, keptIn: { xid: settings[0]!.xid, oldestRunning: settings[0]!.oldest } };
}
