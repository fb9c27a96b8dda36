import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { readThreadExport, type ThreadExport } from '../../src/contracts/thread-export.ts';
import { replayExport, type ReplayOutcome } from '../../src/threads/replay.ts';
import { runningVersions } from '../../src/runtime/versions.ts';
import { createScratchDatabase } from './database.ts';

export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures/threads');

export interface ReplayDecision {
  type: 'approve' | 'reject';
  reviewer?: string;
  reason?: string;
  /** Decide as if at this time (airlock replay --at); default: when the recording was taken. */
  at?: Date;
}

export interface ReplayResult {
  outcome: ReplayOutcome;
  /** The scratch target the effects ran on, rebuilt from the recording's seed. */
  target: pg.Client;
  /** Drop the scratch target (the replay's own state database is already gone). */
  cleanUp(): Promise<void>;
}

/** A fixture by file name (under test/fixtures/threads) or path, checked like "airlock replay" checks it. */
export function loadFixture(fixture: string): ThreadExport {
  const file = fs.existsSync(fixture) ? fixture : path.join(FIXTURES_DIR, fixture);
  const read = readThreadExport(JSON.parse(fs.readFileSync(file, 'utf8')), runningVersions());
  if (!read.ok) throw new Error(`${file}: ${read.refusal.message}`);
  return read.value;
}

/**
 * Replay a recorded thread in this process, as CI does: a fresh target
 * database rebuilt from the recording's seed, a fresh scratch database for
 * the thread's state, and the recorded pause answered with `decision`.
 * Needs AIRLOCK_HOME pointed at the suite's database (see inProcessAirlock).
 */
export async function replayThread(fixture: string | ThreadExport, decision?: ReplayDecision): Promise<ReplayResult> {
  process.env.AIRLOCK_HOME = inject('airlockHome');
  const exported = typeof fixture === 'string' ? loadFixture(fixture) : fixture;
  const scratch = await createScratchDatabase('replay_target');
  const target = new pg.Client({ connectionString: scratch.url });
  await target.connect();
  const cleanUp = async () => {
    await target.end().catch(() => {});
    await scratch.drop();
  };
  try {
    if (exported.recording?.seed) await target.query(exported.recording.seed);
    const outcome = await replayExport(exported, {
      targetUrl: scratch.url,
      ...(decision ? { decision: decision.type } : {}),
      ...(decision?.reviewer ? { reviewer: decision.reviewer } : {}),
      ...(decision?.reason ? { reason: decision.reason } : {}),
      ...(decision?.at ? { at: decision.at } : {}),
    });
    return { outcome, target, cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
