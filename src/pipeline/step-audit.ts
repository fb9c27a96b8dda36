import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { appendAudit, type AuditEntry } from '../store/audit.ts';
import { AirlockSaver } from '../store/checkpoint-saver.ts';

/**
 * A step's audit entry that has no transaction of its own to commit with
 * (classify, permit, verify…): on Airlock's checkpointer, in a run with
 * durability "sync", it commits with the step's own writes to the
 * checkpoint, in one transaction (AirlockSaver.auditWithStepWrites): the
 * trail records the step exactly when its outcome is recorded, at no commit
 * of its own. Anywhere else (an in-memory checkpointer, the LangGraph
 * server's own, a replay), it is written at once, as before.
 */
export async function auditStep(config: LangGraphRunnableConfig, db: Parameters<typeof appendAudit>[0], entry: AuditEntry): Promise<void> {
  const saver = (config.configurable as Record<string, unknown> | undefined)?.__pregel_checkpointer;
  if (saver instanceof AirlockSaver && saver.auditWithStepWrites(config, db, [entry])) return;
  await appendAudit(db, entry);
}
