import type { Command } from 'commander';
import { readSettings } from '../../runtime/config.ts';
import { embeddedStatus, ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../../runtime/embedded-postgres.ts';
import { ExitCode } from '../../runtime/errors.ts';
import { runCommand } from '../output.ts';

export function registerDb(program: Command): void {
  const db = program.command('db').description('the embedded database: its connection URL, state, shutdown');

  db.command('url')
    .description('print the connection URL (starts the embedded database if needed)')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) =>
      runCommand(options, async () => {
        const settings = readSettings();
        const server = await ensureEmbeddedPostgres(settings.home);
        return { json: { url: server.url, port: server.port, data_dir: server.dataDir, started: server.startedNow }, text: server.url, exitCode: ExitCode.done };
      }),
    );

  db.command('status')
    .description('is the embedded database running, and where')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) =>
      runCommand(options, async () => {
        const settings = readSettings();
        const status = embeddedStatus(settings.home);
        const text = status.running
          ? `running: pid ${status.pid}, port ${status.port}, data ${status.dataDir}`
          : status.initialised
            ? `stopped (data in ${status.dataDir}); any airlock command starts it again`
            : `not initialised yet (AIRLOCK_HOME ${settings.home}); any airlock command creates it`;
        const using = settings.databaseUrl ? '\nnote: DATABASE_URL is set, so airlock uses that database, not this one' : '';
        return {
          json: { ...status, airlock_home: settings.home, database_url_set: Boolean(settings.databaseUrl) },
          text: text + using,
          exitCode: ExitCode.done,
        };
      }),
    );

  db.command('stop')
    .description('stop the embedded database (pending approvals stay; it restarts on the next command)')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) =>
      runCommand(options, async () => {
        const stopped = await stopEmbeddedPostgres(readSettings().home);
        return {
          json: { stopped, was_running: stopped },
          text: stopped ? 'stopped the embedded database' : 'the embedded database was not running',
          exitCode: ExitCode.done,
        };
      }),
    );
}
