import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ThreadExport } from '../../src/contracts/thread-export.ts';
import { replayThread } from '../helpers/replay.ts';

/**
 * A thread recorded by an older Airlock, whose rules classified a cleanup's
 * DELETE as `write` (today it is `destructive`: it removes rows), approved
 * then without the token a destructive action needs. Approved now, execution
 * classifies the SQL again, finds more than was checked, and refuses: an
 * approval given to a lower tier does not carry a higher one. Nothing is
 * deleted. (test/fixtures/threads/ holds the same cleanup recorded today.)
 */
const older = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/older/cleanup-checked-as-write.json'), 'utf8')) as ThreadExport;

describe('an approval given under older rules, to a lower tier', () => {
  it('is refused at execution when the SQL classifies higher today: nothing is deleted', async () => {
    const { outcome, target, cleanUp } = await replayThread(older, { type: 'approve', reviewer: 'alice' });
    try {
      expect(outcome).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/destructive at execution, but it was checked as write/) });
      const { rows } = await target.query('SELECT count(*)::int AS n FROM sessions');
      expect(rows[0].n).toBe(1000);
    } finally {
      await cleanUp();
    }
  });
});
