import { useAirlock } from './airlock.ts';
import { badInput } from './errors.ts';
import { startMigration, type RunOutcome } from './migration-runner.ts';

interface BackupRecord {
  source_table: string;
  backup_table: string;
  row_count: string;
  kind: 'rows' | 'table' | 'copy';
  environment: string | null;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function qualified(table: string): string {
  const [schema, name] = table.split('.') as [string, string];
  return `${quote(schema)}.${quote(name)}`;
}

/** The SQL that puts back what an action kept: its rows, or its table. */
function undoSqlFor(backups: BackupRecord[]): string {
  return backups
    .map((backup) => {
      if (backup.kind === 'rows') return `INSERT INTO ${qualified(backup.source_table)} SELECT * FROM ${qualified(backup.backup_table)};`;
      if (backup.kind === 'table') {
        const [schema, name] = backup.source_table.split('.') as [string, string];
        const [, trashed] = backup.backup_table.split('.') as [string, string];
        return `ALTER TABLE ${qualified(backup.backup_table)} SET SCHEMA ${quote(schema)};\nALTER TABLE ${quote(schema)}.${quote(trashed)} RENAME TO ${quote(name)};`;
      }
      throw badInput(
        `this action's backup is a copy of the whole table (${backup.backup_table}), which airlock undo cannot merge back by itself: restore from it by hand`,
      );
    })
    .join('\n');
}

/**
 * Undo an action from its backup. The undo is itself an action: classified,
 * audited and approved like any other in that environment. Its thread is named
 * after the action, so an action can be undone once.
 */
export async function undoAction(actionId: string, requestedBy: string): Promise<RunOutcome> {
  const airlock = await useAirlock();
  const { rows } = await airlock.databases.target.query<BackupRecord>(
    'SELECT source_table, backup_table, row_count, kind, environment FROM airlock.backups WHERE action_id = $1 ORDER BY backup_id',
    [actionId],
  );
  if (rows.length === 0) {
    throw badInput(`no action ${actionId} with a backup: the id is printed by migrate/cleanup/approve as action_id (see "airlock history THREAD")`);
  }
  const missing = [];
  for (const backup of rows) {
    const { rows: found } = await airlock.databases.target.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [
      qualified(backup.backup_table),
    ]);
    if (!found[0]?.ok) missing.push(backup.backup_table);
  }
  if (missing.length) {
    throw badInput(`the backup ${missing.join(', ')} of ${actionId} is gone (pruned, or removed by hand): nothing can be restored from it`);
  }
  const environment = rows[0]!.environment ?? 'production';
  try {
    return await startMigration({ sql: undoSqlFor(rows), environment, requestedBy }, `undo-${actionId}`);
  } catch (error) {
    if (error instanceof Error && /already exists/.test(error.message)) {
      throw badInput(`${actionId} was already undone, or its undo is waiting for approval: see "airlock history undo-${actionId}"`);
    }
    throw error;
  }
}
