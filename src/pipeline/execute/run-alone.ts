import type pg from 'pg';
import { describeDatabaseError } from '../../contracts/errors.ts';
import type { ExecutionResult, MigrationState } from '../../contracts/migration-state.ts';
import { faultPoint } from '../../runtime/fault-injection.ts';
import { claimLedger, ledgerResult, recordLedgerResult, releaseLedgerClaim } from '../../store/ledger.ts';
import type { Attempt, Timeouts } from './attempt.ts';

/**
 * A statement that cannot run in a transaction cannot share one with its
 * ledger row either. The ledger is claimed first ("started"), then the
 * statement runs, then the ledger records the end. A re-run that finds a
 * claim without an end does not guess: it stops and says what to check.
 */
export async function runAlone(client: pg.PoolClient, state: MigrationState, idempotencyKey: string, timeouts: Timeouts): Promise<Attempt> {
  const started = Date.now();
  const statement = state.classification!.statements[0]!;
  const claim = await claimLedger(client, { idempotencyKey, threadId: state.threadId, actionHash: state.actionHash, initial: { state: 'started' } });
  if (!claim.claimed) {
    const previous = await ledgerResult(client, idempotencyKey);
    if (previous?.state === 'started') {
      return {
        ok: false,
        error: `an earlier run of this ${statement.kind} started and never recorded its end (ledger ${idempotencyKey}); it may or may not have taken effect: check the database (an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index to drop), then submit it again`,
      };
    }
    return { ok: true, result: { ...(previous ?? { statements: [], durationMs: 0 }), alreadyDone: true } };
  }
  try {
    await client.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [
      timeouts.lockTimeout,
      timeouts.statementTimeout,
    ]);
    const outcome = await client.query({ text: statement.text, queryMode: 'extended' } as pg.QueryConfig);
    const result: ExecutionResult = {
      statements: [{ kind: statement.kind, command: outcome.command ?? null, rowCount: outcome.rowCount ?? null }],
      durationMs: Date.now() - started,
    };
    await recordLedgerResult(client, idempotencyKey, result);
    faultPoint('after-commit');
    return { ok: true, result };
  } catch (error) {
    // It did not run (Postgres reported the error): release the claim so a corrected resubmission is not refused.
    await releaseLedgerClaim(client, idempotencyKey).catch(() => {});
    return { ok: false, error: describeDatabaseError(error), failedStatement: 0 };
  } finally {
    await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => {});
  }
}
