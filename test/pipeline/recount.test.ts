import { describe, expect, it } from 'vitest';
import { countStillApproved } from '../../src/pipeline/execute/recount.ts';

describe('the recount at execution: still the rows that were approved? (no database)', () => {
  const caps = { maxRows: 100_000, maxPercent: 50 };

  it('an exact count that did not move runs', () => {
    expect(countStillApproved({ rows: 10, table_rows: 100, estimated: false }, 10, caps)).toBe(true);
  });

  it('one row more than an exact small count was approved for is a change: ask again', () => {
    expect(countStillApproved({ rows: 10, table_rows: 100, estimated: false }, 11, caps)).toBe(false);
  });

  it('an estimate approved as "about N" runs within 10%', () => {
    expect(countStillApproved({ rows: 1_000, table_rows: 10_000, estimated: true }, 1_080, caps)).toBe(true);
    expect(countStillApproved({ rows: 1_000, table_rows: 10_000, estimated: true }, 1_200, caps)).toBe(false);
  });

  it('an estimate that, counted exactly, is over the cap does not run, though it is within 10%', () => {
    expect(countStillApproved({ rows: 4_800, table_rows: 10_000, estimated: true }, 5_200, caps)).toBe(false);
  });

  it('an exact count is not held to the caps again (the dry-run did that)', () => {
    expect(countStillApproved({ rows: 6_000, table_rows: 10_000, estimated: false }, 6_000, caps)).toBe(true);
  });
});
