import type pg from 'pg';
import type { ExecutionResult } from '../contracts/migration-state.ts';

/**
 * Every query against airlock.ledger: the row an action claims before it
 * runs (its idempotency key is the primary key, so an action runs at most
 * once), and the result it records in the same transaction as its effect.
 */

/** Claim the ledger row of this action; `claimed: false` when a row is already there (the action ran, or is running). */
export async function claimLedger(
  client: pg.PoolClient,
  claim: { idempotencyKey: string; threadId: string | undefined; actionHash: string | undefined; initial: object },
): Promise<{ claimed: boolean }> {
  const inserted = await client.query(
    `INSERT INTO airlock.ledger (idempotency_key, thread_id, action_hash, result) VALUES ($1, $2, $3, $4)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [claim.idempotencyKey, claim.threadId, claim.actionHash, JSON.stringify(claim.initial)],
  );
  return { claimed: inserted.rowCount === 1 };
}

/** What the action recorded, or undefined when no row is there. */
export async function ledgerResult(client: pg.PoolClient, idempotencyKey: string): Promise<(ExecutionResult & { state?: string }) | undefined> {
  const { rows } = await client.query<{ result: ExecutionResult & { state?: string } }>('SELECT result FROM airlock.ledger WHERE idempotency_key = $1', [
    idempotencyKey,
  ]);
  return rows[0]?.result;
}

export async function recordLedgerResult(client: pg.PoolClient, idempotencyKey: string, result: object): Promise<void> {
  await client.query('UPDATE airlock.ledger SET result = $2 WHERE idempotency_key = $1', [idempotencyKey, JSON.stringify(result)]);
}

/** Give the claim back: the action did not run (Postgres refused it), so a corrected resubmission may. */
export async function releaseLedgerClaim(client: pg.PoolClient, idempotencyKey: string): Promise<void> {
  await client.query('DELETE FROM airlock.ledger WHERE idempotency_key = $1', [idempotencyKey]);
}
