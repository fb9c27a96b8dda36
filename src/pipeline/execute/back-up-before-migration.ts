import type pg from 'pg';
import { droppedColumns, dropsTables, tablesToBackUp } from '../../policy/backup-plan.ts';
import { loadSqlParser, parseSql } from '../../sql/parse-sql.ts';
import type { StatementVerdict } from '../../contracts/classification.ts';
import type { MigrationState } from '../../contracts/migration-state.ts';
import { backUpColumn, backUpTables, type Backup, type BackupOwner } from '../backup.ts';
import { backUpDefinitions } from '../definition-backup.ts';

/**
 * What a migration destroys, kept before it runs, in its transaction: a
 * dropped column's values with the primary key; otherwise a copy of each
 * table a destructive statement touches (DROP TABLE moves the table to the
 * trash instead, as it runs); and the old definition a CREATE OR REPLACE
 * overwrites, for undo.
 */
export async function backUpBeforeMigration(client: pg.PoolClient, state: MigrationState, owner: BackupOwner): Promise<Backup[]> {
  const backups = await backUpWhatItDestroys(client, state, owner);
  if (state.classification!.statements.some((statement) => statement.rules.includes('replace-existing-definition'))) {
    backups.push(...(await backUpDefinitions(client, state.sql, owner)));
  }
  return backups;
}

async function backUpWhatItDestroys(client: pg.PoolClient, state: MigrationState, owner: BackupOwner): Promise<Backup[]> {
  await loadSqlParser();
  const parsed = parseSql(state.sql);
  const nodes = parsed.ok ? parsed.statements.map((statement) => statement.node) : [];
  const backups: Backup[] = [];
  const toCopy: StatementVerdict[] = [];
  let columns = 0;
  for (const [index, statement] of state.classification!.statements.entries()) {
    if (dropsTables(statement)) continue;
    const node = nodes[index];
    const drops = statement.tier === 'destructive' ? droppedColumns(statement, node) : [];
    const onlyDrops = drops.length > 0 && drops.length === ((node?.cmds as unknown[] | undefined)?.length ?? 0);
    if (onlyDrops) {
      const kept = [];
      for (const drop of drops) {
        const backup = await backUpColumn(client, drop.table, drop.column, owner, ++columns);
        if (backup) kept.push(backup);
      }
      backups.push(...kept);
      if (kept.length === drops.length) continue;
    }
    toCopy.push(statement);
  }
  const tables = tablesToBackUp(toCopy);
  return [...backups, ...(tables.length ? await backUpTables(client, tables, owner) : [])];
}
