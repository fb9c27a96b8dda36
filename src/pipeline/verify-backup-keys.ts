import type pg from 'pg';
import type { ExecutionResult } from '../contracts/migration-state.ts';
import { primaryKeyOf } from './backup.ts';
import { quotedTable } from '../sql/names.ts';


/**
 * After the commit: does each backup hold exactly what its statement removed?
 * Its rows, by kind of change, are as many as the statement reported; no two
 * share a key; and no row kept as deleted is still in the table (by primary
 * key; a table without one is checked by counts alone). A backup taken by
 * evaluating the filter a second time (issue 14, hole 7) fails here.
 */
export async function backupKeyProblems(client: pg.PoolClient, result: ExecutionResult): Promise<string[]> {
  const problems: string[] = [];
  for (const change of result.changes ?? []) {
    const source = result.backups?.find((backup) => backup.backup === change.backup)?.source;
    if (!source) continue;
    const kept = quotedTable(change.backup);
    const table = quotedTable(source);
    const tagged = (await client.query(`SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'airlock_change' AND NOT attisdropped`, [kept])).rows.length > 0;
    const { rows: counts } = await client.query<{ change: string; n: string }>(
      tagged ? `SELECT airlock_change AS change, count(*) AS n FROM ${kept} GROUP BY 1` : `SELECT 'DELETE' AS change, count(*) AS n FROM ${kept}`,
    );
    const count = (what: string) => Number(counts.find((row) => row.change === what)?.n ?? 0);
    for (const [what, expected] of [['DELETE', change.deleted], ['UPDATE', change.updated], ['INSERT', change.inserted]] as const) {
      if (count(what) !== expected) problems.push(`${change.backup} holds ${count(what)} ${what.toLowerCase()}d rows, but statement ${change.statement} reported ${expected}`);
    }
    const key = await primaryKeyOf(client, table);
    if (key.length === 0) continue;
    const keyList = key.map((column) => `b.${client.escapeIdentifier(column)}`).join(', ');
    const match = key.map((column) => `t.${client.escapeIdentifier(column)} = b.${client.escapeIdentifier(column)}`).join(' AND ');
    const deletedOnly = tagged ? `b.airlock_change = 'DELETE' AND ` : '';
    const { rows } = await client.query<{ still: string; duplicates: string }>(
      `SELECT (SELECT count(*) FROM ${kept} b WHERE ${deletedOnly}EXISTS (SELECT 1 FROM ${table} t WHERE ${match})) AS still,
              (SELECT count(*) - count(DISTINCT (${keyList}${tagged ? ', b.airlock_change' : ''})) FROM ${kept} b) AS duplicates`,
    );
    if (Number(rows[0]!.still) > 0) {
      problems.push(`${rows[0]!.still} rows kept in ${change.backup} as removed are still in ${source}: the backup is not what statement ${change.statement} removed`);
    }
    if (Number(rows[0]!.duplicates) > 0) problems.push(`${change.backup} holds ${rows[0]!.duplicates} rows twice (by key)`);
  }
  return problems;
}
