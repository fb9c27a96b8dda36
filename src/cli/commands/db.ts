import type { Command } from 'commander';
import { canonicalEnvironment } from '../../policy/environment.ts';
import { useAirlockWorld } from '../../runtime/airlock.ts';
import { appendAudit } from '../../store/audit.ts';
import { markEnvironment } from '../../store/environment-marker.ts';
import { readSettings } from '../../runtime/config.ts';
import { embeddedStatus, ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../../runtime/embedded-postgres.ts';
import { ExitCode } from '../../contracts/errors.ts';
import { requesterFrom } from '../identity.ts';
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

  db.command('mark')
    .description('record in the target database which environment it is (a signal every action is checked against)')
    .argument('<env>', 'production, staging, development…')
    .option('--as <who>', 'who marks it (for the audit trail)')
    .option('--json', 'print one JSON object')
    .action(async (name: string, options: { as?: string; json?: boolean }) =>
      runCommand(options, async () => {
        const airlock = await useAirlockWorld();
        const environment = canonicalEnvironment(name, airlock.policy.policy);
        const actor = requesterFrom(options.as);
        const { previous } = await markEnvironment(airlock.databases.target, environment, actor);
        const target = airlock.databases.targetIdentity;
        await appendAudit(airlock.databases.state, {
          step: 'db-mark',
          actor,
          environment,
          outcome: 'marked',
          message: `${actor} marked ${target} as ${environment}${previous ? ` (was ${previous})` : ''}: every action against it is now checked against this.`,
          detail: { target, previous },
        });
        return {
          json: { target, environment, previous },
          text: `marked ${target} as ${environment}${previous && previous !== environment ? ` (was ${previous})` : ''}`,
          exitCode: ExitCode.done,
        };
      }),
    );
}
