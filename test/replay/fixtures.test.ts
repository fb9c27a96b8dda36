import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
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
      it(`${file}: --decision ${decision} gives the recorded outcome, twice in a row, and nothing before the pause runs again`, async () => {
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
      });
    }
  }
});
