import fs from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeAirlock } from '../../src/runtime/airlock.ts';
import { comparableOutcome } from '../fixtures/comparable-outcome.ts';
import { FIXTURES_DIR, loadFixture, replayThread } from '../helpers/replay.ts';

afterAll(() => closeAirlock());

const fixtures = fs.readdirSync(FIXTURES_DIR).filter((file) => file.endsWith('.json')).sort();

/** The table each recording acts on, and whether it is there afterwards. */
async function tableThere(target: { query: (sql: string) => Promise<{ rows: any[] }> }, table: string): Promise<boolean> {
  const { rows } = await target.query(`SELECT to_regclass('${table}') IS NOT NULL AS there`);
  return rows[0].there;
}

/**
 * Replay one recording twice with one decision and check it reaches the
 * recorded outcome (LangGraph JS #1812: forks of one checkpoint could share
 * channel data), without running anything before the pause again.
 */
async function replaysToRecordedOutcome(file: string, decision: 'approve' | 'reject'): Promise<void> {
  const fixture = loadFixture(file);
  const expected = fixture.recording!.expected[decision]! as { reviewer: string; reason?: string; outcome: Record<string, unknown> };
  const results = [];
  // Two replays of one recording (LangGraph JS #1812: forks of one checkpoint could share channel data).
  for (let run = 0; run < 2; run++) {
    const replay = await replayThread(file, { type: decision, reviewer: expected.reviewer, reason: expected.reason });
    try {
      results.push(comparableOutcome(replay.outcome));
      // The nodes that ran: from the approval on, never classify, permit, dry-run or prepare again.
      expect(replay.outcome.replay.nodes_run[0]).toBe('approve');
      for (const before of ['prepare', 'classify', 'permit', 'dryRun']) expect(replay.outcome.replay.nodes_run).not.toContain(before);
      expect(replay.outcome.replay.nodes_run.at(-1)).toBe('audit');
      const table = fixture.approvals[0]!.summary.match(/public\.\w+/)?.[0] ?? fixture.recording!.seed.match(/public\.\w+/)![0];
      if (decision === 'reject') expect(await tableThere(replay.target, table)).toBe(true);
      if (decision === 'approve' && fixture.graph === 'migration') expect(await tableThere(replay.target, table)).toBe(false);
      if (fixture.graph === 'cleanup') {
        const { rows } = await replay.target.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect(rows[0].n).toBe(decision === 'approve' ? 970 : 1000);
      }
      expect(replay.outcome.replay.effects).toBe(decision === 'approve' ? 'committed' : 'none');
    } finally {
      await replay.cleanUp();
    }
  }
  expect(results[0]).toEqual(expected.outcome);
  expect(results[1]).toEqual(results[0]);
}

describe('recorded threads replay to their recorded outcomes', () => {
  it('there is a recording of each graph paused for approval: migration, cleanup, and an agent proposal', () => {
    const graphs = fixtures.map((file) => {
      const fixture = loadFixture(file);
      return fixture.recording?.origin?.graph ?? fixture.graph;
    });
    expect(new Set(graphs)).toEqual(new Set(['migration', 'cleanup', 'agent']));
    for (const file of fixtures) {
      const fixture = loadFixture(file);
      expect(fixture.approvals.map((approval) => approval.status), file).toEqual(['pending']);
    }
  });

  for (const file of fixtures) {
    for (const decision of ['approve', 'reject'] as const) {
      it(`${file}: --decision ${decision} gives the recorded outcome, twice in a row, and nothing before the pause runs again`, () =>
        replaysToRecordedOutcome(file, decision));
    }
  }
});

describe('a recording replays next year as it was recorded: expiry is judged at the recording time', () => {
  const A_YEAR = 366 * 24 * 3_600_000;
  beforeEach(() => {
    // The machine's clock, as this process sees it, a year ahead (Date only: timers and I/O run as usual).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + A_YEAR, shouldAdvanceTime: true });
  });
  afterEach(() => vi.useRealTimers());

  for (const file of fixtures) {
    for (const decision of ['approve', 'reject'] as const) {
      it(`a year from now, ${file}: --decision ${decision} still gives the recorded outcome`, () => replaysToRecordedOutcome(file, decision));
    }
  }
});

describe('a recording whose approval had expired when it was taken', () => {
  /** The migration recording, taken 73 hours after its action was requested (the TTL is 72 h). */
  function recordedTooLate() {
    const fixture = loadFixture('migration-drop-table.json');
    const requested = new Date(fixture.approvals[0]!.requested_at);
    return { fixture: { ...fixture, exported_at: new Date(requested.getTime() + 73 * 3_600_000).toISOString() }, requested };
  }

  it('--decision approve reports the expiry, says it had expired when recorded, and runs nothing', async () => {
    const { fixture } = recordedTooLate();
    await expect(replayThread(fixture, { type: 'approve', reviewer: 'alice' })).rejects.toThrow(
      new RegExp(`expired at .*It had already expired when the recording was taken \\(${fixture.exported_at.replace(/\./g, '\\.')}\\); pass --at`),
    );
  });

  it('--at a time within the TTL asks what would have happened had the reviewer answered then: the action runs', async () => {
    const { fixture, requested } = recordedTooLate();
    const at = new Date(requested.getTime() + 3_600_000);
    const replay = await replayThread(fixture, { type: 'approve', reviewer: 'alice', at });
    try {
      expect(replay.outcome.status).toBe('completed');
      expect(replay.outcome.replay.decided_at).toBe(at.toISOString());
      expect(await tableThere(replay.target, 'public.accounts')).toBe(false);
    } finally {
      await replay.cleanUp();
    }
  });

  it('--at past the TTL reports the expiry at that time; --at before the request is refused as bad input', async () => {
    const { fixture, requested } = recordedTooLate();
    const late = new Date(requested.getTime() + 72 * 3_600_000);
    await expect(replayThread(fixture, { type: 'approve', reviewer: 'alice', at: late })).rejects.toThrow(
      new RegExp(`It had already expired at --at ${late.toISOString().replace(/\./g, '\\.')}`),
    );
    const before = new Date(requested.getTime() - 1000);
    await expect(replayThread(fixture, { type: 'approve', reviewer: 'alice', at: before })).rejects.toThrow(/is before the recorded action was requested/);
  });

  it('rejecting it still works: a rejection is never too late', async () => {
    const { fixture } = recordedTooLate();
    const replay = await replayThread(fixture, { type: 'reject', reviewer: 'alice', reason: 'not needed' });
    try {
      expect(replay.outcome.status).toBe('rejected');
    } finally {
      await replay.cleanUp();
    }
  });
});
