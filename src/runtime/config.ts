import path from 'node:path';
import { config as loadDotenv } from 'dotenv';

// Flags win over the environment, the environment over .env: dotenv never overrides.
loadDotenv({ quiet: true });

export interface Settings {
  /** Airlock's own state (checkpoints, approvals, ledger, audit). Unset: the embedded database. */
  databaseUrl: string | undefined;
  /** The database migrations act on; defaults to the state database. */
  targetDatabaseUrl: string | undefined;
  /** Where the embedded database lives. */
  home: string;
  lockTimeout: string;
  statementTimeout: string;
  reviewer: string | undefined;
  /** The policy file: AIRLOCK_POLICY, else ./airlock.policy.json when it exists, else the built-in policy. */
  policyPath: string | undefined;
  /** AIRLOCK_NOW: moves Airlock's clock forward (`+365d`, or an instant with its zone), for tests; never back. */
  clockOverride: string | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    targetDatabaseUrl: env.TARGET_DATABASE_URL || undefined,
    home: path.resolve(env.AIRLOCK_HOME || '.airlock'),
    lockTimeout: env.AIRLOCK_LOCK_TIMEOUT || '5s',
    statementTimeout: env.AIRLOCK_STATEMENT_TIMEOUT || '5min',
    reviewer: env.AIRLOCK_REVIEWER || undefined,
    policyPath: env.AIRLOCK_POLICY || undefined,
    clockOverride: env.AIRLOCK_NOW || undefined,
  };
}
