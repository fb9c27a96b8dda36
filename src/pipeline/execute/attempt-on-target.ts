import type pg from 'pg';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import { loadSqlParser, parseSql } from '../../sql/parse-sql.ts';
import type { PipelineDeps } from '../deps.ts';
import type { Attempt } from './attempt.ts';
import { runAlone } from './run-alone.ts';
import { runInTransaction } from './run-in-transaction.ts';

/**
 * Run the action against the target, on one connection: a lone statement
 * that cannot run in a transaction (CREATE INDEX CONCURRENTLY) on its own,
 * anything else in one transaction under the environment's caps. A replay
 * that must roll its effects back cannot run the lone kind at all.
 */
export async function attemptOnTarget(
  deps: PipelineDeps,
  state: MigrationState,
  idempotencyKey: string,
  recordOutcome?: (client: pg.PoolClient, result: ExecutionResult) => Promise<boolean>,
): Promise<Attempt> {
  const [only, ...rest] = state.classification!.statements;
  const alone = only && rest.length === 0 && only.outsideTransaction;
  const rollBack = deps.replay?.rollbackEffects ?? false;
  const caps = state.permission ? deps.policy.policy.environments[state.permission.policyEnvironment]?.blastRadius : undefined;
  // Each statement runs as its slice of the approved SQL: the classification must be of exactly that SQL.
  await loadSqlParser();
  const parsed = parseSql(state.sql);
  if (!parsed.ok || parsed.statements.length !== state.classification!.statements.length) {
    return { ok: false, error: 'the classification is not of the SQL about to run, so nothing ran: submit the SQL again' };
  }
  const client = await deps.databases.target.connect();
  try {
    if (alone && rollBack) {
      return {
        ok: false,
        error: `${only.kind} cannot run inside a transaction, so a replay cannot roll it back: replay it with --target naming a scratch database`,
      };
    }
    if (alone) return await runAlone(client, state, idempotencyKey, deps.settings);
    // The outcome's entry joins the effect's transaction when both live in one database.
    const sameDatabase = deps.databases.target === deps.databases.state;
    return await runInTransaction(client, {
      state,
      idempotencyKey,
      timeouts: deps.settings,
      caps,
      clock: deps.clock,
      commit: !rollBack,
      ...(sameDatabase && recordOutcome ? { recordOutcome } : {}),
    });
  } finally {
    client.release();
  }
}
