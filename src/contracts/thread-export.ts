import semver from 'semver';
import { z } from 'zod';
import { ExportedApproval } from './approval-record.ts';
import { ok, refused, type Result } from './result.ts';

/**
 * The file `airlock export` writes and `airlock replay` reads: a thread's
 * checkpoints (oldest first) with their pending writes, and its approvals.
 * Values are kept as the checkpointer's own serializer typed them, so a
 * replay restores exactly what was saved; JSON values stay readable.
 */
export const THREAD_EXPORT_FORMAT = 'airlock-thread';
export const THREAD_EXPORT_VERSION = 1;

export const TypedValue = z.union([
  z.object({ type: z.literal('json'), json: z.unknown() }),
  z.object({ type: z.string(), base64: z.string() }),
]);
export type TypedValue = z.infer<typeof TypedValue>;

export const ExportedCheckpoint = z.object({
  checkpoint_ns: z.string(),
  checkpoint_id: z.string(),
  parent_checkpoint_id: z.string().nullable(),
  checkpoint: TypedValue,
  metadata: z.record(z.string(), z.unknown()),
  pending_writes: z.array(z.object({ task_id: z.string(), channel: z.string(), value: TypedValue })),
});
export type ExportedCheckpoint = z.infer<typeof ExportedCheckpoint>;

// The approval row is defined once, in approval-record.ts; an export carries it with ISO timestamps.
export { ExportedApproval } from './approval-record.ts';

export const RecordedWith = z.object({
  airlock: z.string(),
  langgraph: z.string(),
  checkpoint_postgres: z.string(),
});
export type RecordedWith = z.infer<typeof RecordedWith>;

/** What a fixture's recorder adds: how to rebuild the target, and what really happened when it was decided. */
export const Recording = z.object({
  description: z.string(),
  /** SQL that recreates the target's tables and rows as they were when the thread paused. */
  seed: z.string(),
  /** The real outcome of the same action, approved and rejected: the replay must match it. */
  expected: z.record(z.enum(['approve', 'reject']), z.record(z.string(), z.unknown())),
  /** A thread started by another (an agent's proposal): that thread and its task. */
  origin: z.object({ graph: z.string(), thread_id: z.string(), task: z.string() }).optional(),
});
export type Recording = z.infer<typeof Recording>;

export const ThreadExport = z.object({
  format: z.literal(THREAD_EXPORT_FORMAT),
  format_version: z.number().int(),
  recorded_with: RecordedWith,
  graph: z.enum(['migration', 'cleanup', 'agent']),
  thread_id: z.string(),
  exported_at: z.string(),
  checkpoints: z.array(ExportedCheckpoint).min(1),
  approvals: z.array(ExportedApproval),
  recording: Recording.optional(),
});
export type ThreadExport = z.infer<typeof ThreadExport>;

/** The part read before anything else, so that an old or foreign file gets a clear answer. */
const Envelope = z.object({
  format: z.string(),
  format_version: z.number(),
  recorded_with: RecordedWith,
});

/**
 * Semver's compatible range from the recorded release: the same major (the
 * same minor for 0.x), and not older than the recording's minor.
 */
function compatibleRelease(recorded: string, running: string): boolean {
  const from = semver.parse(recorded);
  return from !== null && semver.valid(running) !== null && semver.satisfies(running, `^${from.major}.${from.minor}.0`, { includePrerelease: true });
}

const RERECORD = 're-record it with this version ("npm run fixtures:record" for fixtures, "airlock export" for a live thread)';

/** Not an export; another file format; recorded by a LangGraph or an Airlock whose state differs; damaged. */
export type ThreadExportRefusalCode = 'not-a-thread-export' | 'export-format-version' | 'langgraph-version' | 'airlock-version' | 'export-damaged';

/**
 * Whether this Airlock can replay a file: pure, so every refusal is tested.
 * Checkpoints of another LangGraph major, or another Airlock release, hold
 * state this code would misread; refuse them with what to do instead.
 */
export function readThreadExport(
  input: unknown,
  running: RecordedWith,
): Result<ThreadExport, ThreadExportRefusalCode> {
  const envelope = Envelope.safeParse(input);
  if (!envelope.success || envelope.data.format !== THREAD_EXPORT_FORMAT) {
    return refused('not-a-thread-export', `this is not an Airlock thread export (no "format": "${THREAD_EXPORT_FORMAT}" with its versions): make one with "airlock export THREAD"`);
  }
  const { format_version: formatVersion, recorded_with: recorded } = envelope.data;
  if (formatVersion !== THREAD_EXPORT_VERSION) {
    return refused(
      'export-format-version',
      `this export has format version ${formatVersion}, but this Airlock (${running.airlock}) reads version ${THREAD_EXPORT_VERSION}: replay it with the Airlock that wrote it (${recorded.airlock}), or ${RERECORD}`,
    );
  }
  if (!compatibleRelease(recorded.langgraph, running.langgraph)) {
    return refused(
      'langgraph-version',
      `this thread was recorded with @langchain/langgraph ${recorded.langgraph}, and this Airlock runs ${running.langgraph}, whose checkpoints are not compatible: replay it with the versions that recorded it, or ${RERECORD}`,
    );
  }
  if (!compatibleRelease(recorded.airlock, running.airlock)) {
    return refused(
      'airlock-version',
      `this thread was recorded with Airlock ${recorded.airlock}, and this is Airlock ${running.airlock}, whose graphs and state differ: replay it with Airlock ${recorded.airlock}, or ${RERECORD}`,
    );
  }
  const full = ThreadExport.safeParse(input);
  if (!full.success) {
    const issue = full.error.issues[0]!;
    return refused('export-damaged', `the export is damaged at ${issue.path.join('.') || '(top)'}: ${issue.message}; export the thread again`);
  }
  return ok(full.data);
}
