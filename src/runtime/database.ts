import pg from 'pg';
import type { Settings } from './config.ts';
import { ensureEmbeddedPostgres } from './embedded-postgres.ts';
import { AirlockError, ExitCode, describeDatabaseError } from '../contracts/errors.ts';
import { migrateStateSchema, ensureLedgerSchema } from '../store/schema.ts';

export interface Databases {
  /** Airlock's own state: checkpoints, approvals, audit (schema `airlock`). */
  state: pg.Pool;
  /** The database migrations act on. Same pool as `state` unless TARGET_DATABASE_URL says otherwise. */
  target: pg.Pool;
  stateUrl: string;
  targetUrl: string;
  /** Host, port and database name of the target: part of what an approval is bound to. */
  targetIdentity: string;
  embedded: { startedNow: boolean } | undefined;
}

/** host:port/database, never the password: safe for errors, audit rows and hashes. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable connection URL)';
  }
}

export function openPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 5_000 });
  // An idle client losing its server (db stop, restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

export async function checkReachable(pool: pg.Pool, url: string, variable: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw new AirlockError(
      `cannot reach the database at ${describeUrl(url)} (${describeDatabaseError(error)}): check ${variable}, or unset it to use the embedded database.`,
      ExitCode.badInput,
    );
  }
}

export async function openDatabases(settings: Settings): Promise<Databases> {
  let stateUrl = settings.databaseUrl;
  let embedded: Databases['embedded'];
  if (!stateUrl) {
    const server = await ensureEmbeddedPostgres(settings.home);
    stateUrl = server.url;
    embedded = { startedNow: server.startedNow };
  }
  const targetUrl = settings.targetDatabaseUrl ?? stateUrl;
  const state = openPool(stateUrl);
  const target = targetUrl === stateUrl ? state : openPool(targetUrl);
  const databases: Databases = { state, target, stateUrl, targetUrl, targetIdentity: describeUrl(targetUrl), embedded };
  try {
    await checkReachable(state, stateUrl, 'DATABASE_URL');
    if (target !== state) await checkReachable(target, targetUrl, 'TARGET_DATABASE_URL');
    await migrateStateSchema(state);
    if (target !== state) await ensureLedgerSchema(target);
  } catch (error) {
    await closeDatabases(databases);
    throw error;
  }
  return databases;
}

export async function closeDatabases(databases: Databases): Promise<void> {
  const pools = new Set([databases.state, databases.target]);
  await Promise.all([...pools].map((pool) => pool.end().catch(() => {})));
}
