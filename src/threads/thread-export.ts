import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import {
  THREAD_EXPORT_FORMAT,
  THREAD_EXPORT_VERSION,
  type ExportedCheckpoint,
  type ThreadExport,
  type TypedValue,
} from '../contracts/thread-export.ts';
import { useAirlock } from '../runtime/airlock.ts';
import { exportedApproval } from '../contracts/approval-record.ts';
import { approvalsForThread } from '../store/approvals.ts';
import { badInput } from '../contracts/errors.ts';
import { graphKindOf } from './migration-runner.ts';
import { runningVersions } from '../runtime/versions.ts';

/** A value as the checkpointer's serializer types it; JSON stays readable in the file. */
export async function encodeTyped(serde: SerializerProtocol, value: unknown): Promise<TypedValue> {
  const [type, bytes] = await serde.dumpsTyped(value);
  if (type === 'json') return { type, json: JSON.parse(new TextDecoder().decode(bytes)) };
  return { type, base64: Buffer.from(bytes).toString('base64') };
}

export function decodeTyped(serde: SerializerProtocol, value: TypedValue): Promise<unknown> {
  const bytes = 'json' in value ? new TextEncoder().encode(JSON.stringify(value.json)) : Buffer.from(value.base64, 'base64');
  return serde.loadsTyped(value.type, bytes);
}

/**
 * Everything needed to resume a thread elsewhere: every checkpoint (all
 * namespaces, oldest first), the writes pending on each, and the thread's
 * approvals, with the versions that wrote them.
 */
export async function exportThread(threadId: string): Promise<ThreadExport> {
  const airlock = await useAirlock();
  const { checkpointer } = airlock;
  const tuples = [];
  for await (const tuple of checkpointer.list({ configurable: { thread_id: threadId } })) tuples.push(tuple);
  if (tuples.length === 0) {
    throw badInput(`no thread ${threadId}: thread ids are printed by "airlock migrate" and listed by "airlock inbox"`);
  }
  // list() is newest first within each namespace; checkpoint ids are time-ordered (uuid6).
  tuples.sort((a, b) => String(a.checkpoint.id).localeCompare(String(b.checkpoint.id)));
  const checkpoints: ExportedCheckpoint[] = [];
  for (const tuple of tuples) {
    const configurable = tuple.config.configurable ?? {};
    checkpoints.push({
      checkpoint_ns: String(configurable.checkpoint_ns ?? ''),
      checkpoint_id: tuple.checkpoint.id,
      parent_checkpoint_id: (tuple.parentConfig?.configurable?.checkpoint_id as string | undefined) ?? null,
      checkpoint: await encodeTyped(checkpointer.serde, tuple.checkpoint),
      metadata: JSON.parse(JSON.stringify(tuple.metadata ?? {})),
      pending_writes: await Promise.all(
        (tuple.pendingWrites ?? []).map(async ([taskId, channel, value]) => ({
          task_id: taskId,
          channel,
          value: await encodeTyped(checkpointer.serde, value),
        })),
      ),
    });
  }
  const latest = tuples.filter((tuple) => !tuple.config.configurable?.checkpoint_ns).at(-1) ?? tuples.at(-1)!;
  return {
    format: THREAD_EXPORT_FORMAT,
    format_version: THREAD_EXPORT_VERSION,
    recorded_with: runningVersions(),
    graph: graphKindOf(latest.checkpoint.channel_values as Record<string, unknown>),
    thread_id: threadId,
    exported_at: airlock.clock().toISOString(),
    checkpoints,
    approvals: (await approvalsForThread(airlock.databases.state, threadId)).map(exportedApproval),
  };
}
