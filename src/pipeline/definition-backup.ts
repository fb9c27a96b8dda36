import type pg from 'pg';
import { nextSearchPath, replacedObjects, searchPathChanges, type SearchPath } from '../sql/definitions.ts';
import { loadSqlParser, parseSql } from '../sql/parse-sql.ts';
import { register, type Backup, type BackupOwner } from './backup.ts';
import { answerExisting, openCatalogueSession } from './target-lookup.ts';

/**
 * Before a CREATE OR REPLACE overwrites a function, procedure, view, rule or
 * trigger, keep the SQL that puts the old one back, in
 * `airlock_backup.<action>_def_<n>` (one row: kind, identity, restore), inside
 * the migration's own transaction: the copy exists exactly when the
 * replacement does. `airlock undo` runs the restore SQL.
 */
export async function backUpDefinitions(client: pg.PoolClient, sql: string, owner: BackupOwner): Promise<Backup[]> {
  await loadSqlParser();
  const parsed = parseSql(sql);
  if (!parsed.ok) return [];
  const session = await openCatalogueSession(client);
  const backups: Backup[] = [];
  let path: SearchPath = null;
  for (const statement of parsed.statements) {
    for (const object of replacedObjects(statement.kind, statement.node)) {
      const existing = await answerExisting(session, path, object);
      if (!existing) continue;
      const name = `${owner.actionId}_def_${backups.length + 1}`;
      const table = `airlock_backup.${client.escapeIdentifier(name)}`;
      await client.query(`CREATE TABLE ${table} (kind text NOT NULL, identity text NOT NULL, restore text NOT NULL)`);
      await client.query(`INSERT INTO ${table} (kind, identity, restore) VALUES ($1, $2, $3)`, [existing.kind, existing.identity, existing.restore]);
      backups.push(await register(client, owner, { source: existing.identity, backup: `airlock_backup.${name}`, rows: 1, kind: 'definition' }));
    }
    path = nextSearchPath(path, searchPathChanges({ [statement.kind]: statement.node }));
  }
  return backups;
}
