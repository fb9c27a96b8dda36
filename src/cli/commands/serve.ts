import { serve, type ServerType } from '@hono/node-server';
import type { Command } from 'commander';
import { closeAirlock, useAirlockWorld } from '../../runtime/airlock.ts';
import { describeUrl } from '../../runtime/database.ts';
import { AirlockError, ExitCode, describeDatabaseError } from '../../contracts/errors.ts';
import { note } from '../output.ts';

const DEFAULT_PORT = '2025'; // 2024, the LangGraph CLI's default, is often taken by `langgraph dev`

interface ServeOptions {
  port: string;
  host: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description("serve the LangGraph API for Airlock's graphs on Airlock's own checkpoints and approvals (runs until stopped)")
    .option('--port <n>', 'the port to listen on', DEFAULT_PORT)
    .option('--host <h>', 'the address to listen on', '127.0.0.1')
    .action(async (options: ServeOptions) => startServing(options));
}

function portFrom(text: string): number | undefined {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  return port >= 1 && port <= 65_535 ? port : undefined;
}

async function fail(message: string, exitCode: ExitCode): Promise<void> {
  process.stderr.write(`airlock: ${message}\n`);
  await closeAirlock();
  process.exitCode = exitCode;
}

/**
 * Long-running, unlike every other command (so not `runCommand`): it opens
 * Airlock, listens, and returns; the open server keeps the process alive until
 * SIGINT or SIGTERM closes it and the database pools.
 */
async function startServing(options: ServeOptions): Promise<void> {
  const port = portFrom(options.port);
  if (port === undefined) return fail(`--port must be a whole number from 1 to 65535, not "${options.port}"`, ExitCode.badInput);
  const host = options.host.trim();
  if (!host) return fail('--host must name an address to listen on, e.g. 127.0.0.1 or 0.0.0.0', ExitCode.badInput);

  let fetch: (request: Request) => Response | Promise<Response>;
  let stateDb: string;
  try {
    const airlock = await useAirlockWorld();
    stateDb = describeUrl(airlock.databases.stateUrl);
    // Loaded here rather than at the top: every other command would otherwise
    // pay for loading the LangGraph API server at start-up.
    const { createApiServer } = await import('../../server/api-server.ts');
    fetch = (await createApiServer()).fetch;
  } catch (error) {
    if (process.env.AIRLOCK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return error instanceof AirlockError
      ? fail(error.message, error.exitCode)
      : fail(`unexpected error: ${describeDatabaseError(error)} (the server did not start)`, ExitCode.failed);
  }

  const where = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const server: ServerType = serve({ fetch, port, hostname: host }, () => {
    process.stdout.write(`Airlock API on ${where} (checkpoints, approvals and audit in ${stateDb})\n`);
    note('Graphs: migration, cleanup, agent (the assistant id of a run). Runs: POST /threads/{thread_id}/runs/stream (client.runs.stream); runs.wait is not served.');
    note(
      'A paused run ends with an __interrupt__ whose value carries approvalId. Answer it with command.resume keyed by the interrupt id: ' +
        '{"<interrupt id>": {"decisions": [{"type": "approve"}], "reviewer": "NAME", "token": "<from airlock show>"}}; it is checked exactly like airlock approve.',
    );
    note('Stop with Ctrl-C.');
  });
  server.once('error', (error: NodeJS.ErrnoException) => {
    const message =
      error.code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: pick another with --port`
        : `cannot listen on ${host}:${port} (${error.message}): check --host and --port`;
    void fail(message, ExitCode.badInput);
  });

  const stop = async () => {
    // Streams still open would keep close() waiting; end them with the server.
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeAirlock();
    process.exit(ExitCode.done);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A launcher (npx, npm run) that is killed does not always pass the signal on, and
  // the server would keep listening as an orphan: stop with the parent.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, 500).unref();
}
