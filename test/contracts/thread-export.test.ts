import { describe, expect, it } from 'vitest';
import { readThreadExport } from '../../src/contracts/thread-export.ts';

const running = { airlock: '0.1.0', langgraph: '1.7.3', checkpoint_postgres: '1.0.5' };

function exportWith(overrides: Record<string, unknown> = {}, recordedWith: Partial<typeof running> = {}) {
  return {
    format: 'airlock-thread',
    format_version: 1,
    recorded_with: { ...running, ...recordedWith },
    graph: 'migration',
    thread_id: 'mig-1',
    exported_at: '2026-11-24T00:00:00.000Z',
    checkpoints: [
      {
        checkpoint_ns: '',
        checkpoint_id: '1f0c0000-0000-6000-8000-000000000001',
        parent_checkpoint_id: null,
        checkpoint: { type: 'json', json: { v: 4, id: '1f0c0000-0000-6000-8000-000000000001', channel_values: {} } },
        metadata: { source: 'input', step: -1 },
        pending_writes: [{ task_id: 't1', channel: '__interrupt__', value: { type: 'json', json: [] } }],
      },
    ],
    approvals: [],
    ...overrides,
  };
}

describe('which thread exports this Airlock replays', () => {
  it('reads its own format', () => {
    const read = readThreadExport(exportWith(), running);
    expect(read.ok).toBe(true);
  });

  it.each([
    ['a newer patch of the same LangGraph', { langgraph: '1.7.9' }],
    ['an older minor of the same LangGraph major', { langgraph: '1.2.0' }],
    ['another patch of the same Airlock 0.1', { airlock: '0.1.4' }],
    ['another checkpoint-postgres release', { checkpoint_postgres: '1.0.2' }],
  ])('accepts %s', (_, recordedWith) => {
    expect(readThreadExport(exportWith({}, recordedWith), running).ok).toBe(true);
  });

  it.each([
    ['LangGraph 0.2', { langgraph: '0.2.74' }, /recorded with @langchain\/langgraph 0\.2\.74, and this Airlock runs 1\.7\.3/],
    ['LangGraph 2', { langgraph: '2.0.0' }, /@langchain\/langgraph 2\.0\.0/],
    ['a version that is not one', { langgraph: 'latest' }, /@langchain\/langgraph latest/],
    ['Airlock 0.2 (0.x minors break)', { airlock: '0.2.0' }, /recorded with Airlock 0\.2\.0, and this is Airlock 0\.1\.0/],
    ['Airlock 1.0', { airlock: '1.0.0' }, /Airlock 1\.0\.0/],
    ['a newer LangGraph minor than this one runs', { langgraph: '1.9.0' }, /@langchain\/langgraph 1\.9\.0/],
  ])('refuses a thread recorded with %s, saying what to do', (_, recordedWith, message) => {
    const read = readThreadExport(exportWith({}, recordedWith), running);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.refusal.message).toMatch(message);
      expect(read.refusal.message).toMatch(/re-record it/);
    }
  });

  it.each([
    ['not an object', 'hello', /not an Airlock thread export/],
    ['another format', { ...exportWith(), format: 'langgraph-checkpoint' }, /not an Airlock thread export/],
    ['no versions', { format: 'airlock-thread', format_version: 1 }, /not an Airlock thread export/],
    ['a newer file format', exportWith({ format_version: 2 }), /format version 2, but this Airlock \(0\.1\.0\) reads version 1/],
    ['no checkpoints', exportWith({ checkpoints: [] }), /damaged at checkpoints/],
    ['an unknown graph', exportWith({ graph: 'payments' }), /damaged at graph/],
    ['a checkpoint without its id', exportWith({ checkpoints: [{ ...exportWith().checkpoints[0], checkpoint_id: undefined }] }), /damaged at checkpoints\.0\.checkpoint_id/],
    ['a value neither JSON nor base64', exportWith({ checkpoints: [{ ...exportWith().checkpoints[0], checkpoint: { type: 'bytes' } }] }), /damaged at checkpoints\.0\.checkpoint/],
    ['an approval with an unknown status', exportWith({ approvals: [{ approval_id: 'a', status: 'maybe' }] }), /damaged at approvals\.0/],
  ])('refuses %s with a one-line reason', (_, input, message) => {
    const read = readThreadExport(input, running);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.refusal.message).toMatch(message);
      expect(read.refusal.message).not.toContain('\n');
    }
  });
});
