/**
 * `npm run studio`: the LangGraph dev server for LangGraph Studio, on a free
 * port, offline, analytics off. stdout holds only the Studio and API
 * addresses; the server's own output goes to stderr.
 *
 *   npm run studio [-- --port N]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import fs from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import getPort, { portNumbers } from 'get-port';
import { ExitCode } from '../contracts/errors.ts';
import { studioOutputFilter, type CheckpointCopies } from './studio-output.ts';

const root = path.resolve(import.meta.dirname, '../..');
const config = path.join(root, 'langgraph.json');
const langgraphCli = path.join(root, 'node_modules/.bin/langgraphjs');
const host = '127.0.0.1';
// Another LangGraph server already listens on the CLI's default port on these machines.
const TAKEN_PORT = 2024;
const READY_TIMEOUT_MS = 60_000;

function fail(message: string, code: ExitCode): never {
  process.stderr.write(`studio: ${message}\n`);
  process.exit(code);
}

async function choosePort(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { port: { type: 'string' } } }).values;
  } catch (error) {
    fail(`${(error as Error).message}; the only option is --port N`, ExitCode.badInput);
  }
  const asked = args.port ?? process.env.PORT;
  if (asked === undefined) return getPort({ port: portNumbers(2025, 2099), exclude: [TAKEN_PORT] });

  const port = Number(asked);
  if (!/^\d+$/.test(asked) || port < 1 || port > 65535) {
    const source = args.port === undefined ? 'PORT' : '--port';
    fail(`${source} "${asked}" is not a port number; pass --port 1-65535 or leave it out to pick a free one`, ExitCode.badInput);
  }
  if (port === TAKEN_PORT) {
    fail(`port ${TAKEN_PORT} is taken by another LangGraph server here; pass another --port or leave it out to pick a free one`, ExitCode.badInput);
  }
  if ((await getPort({ port })) !== port) {
    fail(`port ${port} is already in use; pass another --port or leave it out to pick a free one`, ExitCode.badInput);
  }
  return port;
}

/** langgraph.json names an env file, and the dev server refuses to start without it (ENOENT). */
function ensureEnvFile(): void {
  const envFile = (JSON.parse(fs.readFileSync(config, 'utf8')) as { env?: unknown }).env;
  if (typeof envFile !== 'string') return;
  const envPath = path.resolve(root, envFile);
  if (fs.existsSync(envPath)) return;
  fs.writeFileSync(envPath, '# Created empty by `npm run studio`; see .env.example for the settings.\n');
  process.stderr.write(`studio: created an empty ${envFile} (langgraph.json needs one); see .env.example for the settings\n`);
}

async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/ok`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Which @langchain/langgraph-checkpoint each package that uses it really loads. */
function checkpointCopies(): CheckpointCopies {
  const from = (pkg: string) => createRequire(path.join(root, 'node_modules', pkg, 'package.json')).resolve('@langchain/langgraph-checkpoint/package.json');
  const files = ['@langchain/langgraph-api', '@langchain/langgraph', '@langchain/langgraph-checkpoint-postgres'].map((pkg) => {
    try {
      return from(pkg);
    } catch {
      return `(${pkg}: not resolved)`;
    }
  });
  const oneCopy = new Set(files).size === 1 && fs.existsSync(files[0]!);
  const version = oneCopy ? (JSON.parse(fs.readFileSync(files[0]!, 'utf8')) as { version: string }).version : 'unknown';
  return { version, oneCopy };
}

const port = await choosePort();
ensureEnvFile();

const child = spawn(
  langgraphCli,
  ['dev', '--port', String(port), '--host', host, '--no-browser', '--config', config],
  {
    cwd: root,
    env: { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: '1', BROWSER: 'none' },
    // Its output goes to our stderr (through the filter below), so stdout holds only the two addresses.
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the CLI runs the API server in a grandchild, and
    // a signal to the group reaches both (also when we die first, via 'exit').
    detached: true,
  },
);

const filter = studioOutputFilter(checkpointCopies());
for (const stream of [child.stdout!, child.stderr!]) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    for (const out of filter(line)) process.stderr.write(`${out}\n`);
  });
}

const api = `http://${host}:${port}`;
let ready = false;
let exited = false;
const stopServer = (signal: NodeJS.Signals) => {
  if (exited || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopServer(signal));
process.on('exit', () => stopServer('SIGTERM'));

child.on('error', (error) => fail(`could not start ${langgraphCli} (${error.message}); run npm install`, ExitCode.failed));
child.on('exit', async (code, signal) => {
  if (!ready) process.stderr.write(`studio: the LangGraph dev server exited before answering ${api}/ok; see its output above\n`);
  // The CLI exits before its API server has flushed .langgraph_api/ and freed
  // the port: wait for the whole group, so nothing outlives this script.
  if (!(await groupGone(child.pid!, 10_000))) stopServer('SIGKILL');
  exited = true;
  process.exit(code ?? (signal ? 128 + constants.signals[signal] : ExitCode.failed));
});

const deadline = Date.now() + READY_TIMEOUT_MS;
while (!(await answersOk(api))) {
  if (Date.now() > deadline) {
    fail(`the LangGraph dev server did not answer ${api}/ok within ${READY_TIMEOUT_MS / 1000} s; check its output above, langgraph.json and graphs/`, ExitCode.failed);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
ready = true;

process.stdout.write(`Studio: https://smith.langchain.com/studio/?baseUrl=${api}\nAPI: ${api}\n`);
process.stderr.write(
  "studio: this dev server keeps its own in-memory checkpoints under .langgraph_api/: Studio threads never reach Airlock's checkpoints, so airlock approve, resume, history and export cannot load them (decide them in Studio); `airlock serve` serves the same graphs on Airlock's own Postgres\n",
);
