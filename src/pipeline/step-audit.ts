import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type pg from 'pg';
import { appendAudit, type AuditEntry } from '../store/audit.ts';
import { AirlockSaver } from '../store/checkpoint-saver.ts';
import { inTransaction } from '../store/transaction.ts';

type Work = (client: pg.PoolClient) => Promise<unknown>;

/** Queued to commit with the step's checkpoint writes (AirlockSaver.withStepWrites), when the run's checkpointer can. */
function queuedWithStepWrites(config: LangGraphRunnableConfig, db: unknown, work: Work): boolean {
  const saver = (config.configurable as Record<string, unknown> | undefined)?.__pregel_checkpointer;
  return saver instanceof AirlockSaver && saver.withStepWrites(config, db, work);
}

/**
 * A step's audit entry that has no transaction of its own to commit with
 * (classify, permit, dry-run, verify…): on Airlock's checkpointer, in a run
 * with durability "sync", it commits with the step's own writes to the
 * checkpoint, in one transaction: the trail records the step exactly when
 * its outcome is recorded, at no commit of its own. Anywhere else (an
 * in-memory checkpointer, the LangGraph server's own, a replay), it is
 * written at once, as before.
 */
export async function auditStep(config: LangGraphRunnableConfig, db: Parameters<typeof appendAudit>[0], entry: AuditEntry): Promise<void> {
  if (!queuedWithStepWrites(config, db, (client) => appendAudit(client, entry))) await appendAudit(db, entry);
}

/**
 * A step's own transaction on Airlock's tables that nothing in the step
 * reads back (the audit step's outcome and closing entry): committed with
 * the step's checkpoint writes where auditStep's would be, else at once in
 * a transaction of its own.
 */
export async function withStepWrites(config: LangGraphRunnableConfig, db: Parameters<typeof inTransaction>[0], work: Work): Promise<void> {
  if (!queuedWithStepWrites(config, db, work)) await inTransaction(db, work);
}
