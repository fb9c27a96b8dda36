import { describe, expect, it } from 'vitest';
import { judgeCaps } from '../../src/policy/cap-judgement.ts';
import { percentOf } from '../../src/policy/blast-radius.ts';

const radius = (rows: number, table_rows: number) => ({ rows, table_rows, pct: percentOf(rows, table_rows), estimated: false });
const caps = { maxRows: 1000, maxPercent: 50 };

describe('caps with a floor under the percentage cap (small-table-floor)', () => {
  it('one row of a one-row table is not blocked: it needs a destructive-tier approval', () => {
    expect(judgeCaps(radius(1, 1), 'production', caps)).toMatchObject({ ok: true, value: { escalation: expect.stringMatching(/fewer than 100 rows.*small-table-floor/) } });
  });
  it('a small share of a small table is within the caps', () => {
    expect(judgeCaps(radius(10, 50), 'production', caps)).toEqual({ ok: true, value: {} });
  });
  it('tables at or above the floor are judged by the percentage cap as before', () => {
    expect(judgeCaps(radius(60, 100), 'production', caps)).toMatchObject({ ok: false, refusal: { code: 'blast-radius-cap', message: expect.stringMatching(/cap of 50% .*blast-radius-cap/) } });
  });
  it('the row cap applies to small tables too', () => {
    expect(judgeCaps(radius(1500, 1500), 'production', { maxRows: 1000, maxPercent: 50, smallTableRows: 10_000 })).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/cap of 1000 rows/) } });
  });
  it('smallTableRows 0 turns the floor off; no caps, nothing to judge', () => {
    expect(judgeCaps(radius(1, 1), 'production', { ...caps, smallTableRows: 0 })).toMatchObject({ ok: false });
    expect(judgeCaps(radius(1, 1), 'development', undefined)).toEqual({ ok: true, value: {} });
  });
});
