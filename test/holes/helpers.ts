import { expect } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { Sandbox } from '../helpers/database.ts';

/** The audit rows of a thread, oldest first. */
export async function auditOf(threadId: string, env?: NodeJS.ProcessEnv): Promise<{ step: string; outcome: string; message: string; detail: any }[]> {
  const history = await runCli(['history', threadId, '--json'], env ? { env } : {});
  return history.json.audit;
}

/** Every row of a table as Postgres's own text, keyed by its id, for before/after comparisons. */
export async function rowsById(db: Sandbox, table: string, key = 'id'): Promise<Map<string, string>> {
  const { rows } = await db.query(`SELECT ${key}::text AS k, t::text AS row FROM ${db.schema}.${table} t`);
  return new Map(rows.map((row: { k: string; row: string }) => [row.k, row.row]));
}

/**
 * After an approved action: the backup holds exactly the rows it removed or
 * overwrote, by key (and, for deleted rows, byte for byte as they were).
 */
export async function expectBackupKeysMatch(
  db: Sandbox,
  before: Map<string, string>,
  after: Map<string, string>,
  backupTable: string,
  options: { key?: string; changed?: 'deleted' | 'deleted-or-updated'; changeColumn?: boolean } = {},
): Promise<void> {
  const key = options.key ?? 'id';
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const overwritten = options.changed === 'deleted-or-updated' ? [...before.keys()].filter((k) => after.has(k) && after.get(k) !== before.get(k)) : [];
  const filter = options.changeColumn ? " WHERE airlock_change IN ('DELETE', 'UPDATE')" : '';
  const { rows } = await db.query(`SELECT ${key}::text AS k FROM ${backupTable} b${filter}`);
  const kept = rows.map((row: { k: string }) => row.k).sort();
  expect(kept).toEqual([...removed, ...overwritten].sort());
  expect(kept.length).toBeGreaterThan(0);
}
