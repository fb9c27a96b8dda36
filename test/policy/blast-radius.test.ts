import { describe, expect, it } from 'vitest';
import { capExceeded, percentOf, recountAccepted } from '../../src/policy/blast-radius.ts';

const radius = (rows: number, table_rows: number, estimated = false) => ({ rows, table_rows, pct: percentOf(rows, table_rows), estimated });

describe('blast radius figures and caps', () => {
  it('percent of the table, one decimal; an empty table is 0%', () => {
    expect(percentOf(700, 1000)).toBe(70);
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(1, 1000)).toBe(0.1);
    expect(percentOf(0, 0)).toBe(0);
  });

  it('over the percent cap names the figures, the environment and the rule', () => {
    expect(capExceeded(radius(700, 1000), 'production', { maxPercent: 50 })?.message).toMatch(/700 of 1000 rows \(70%\) is over production's cap of 50% .*blast-radius-cap/);
    expect(capExceeded(radius(500, 1000), 'production', { maxPercent: 50 })).toBeUndefined();
  });

  it('over the row cap, whatever the share', () => {
    expect(capExceeded(radius(100_001, 10_000_000), 'production', { maxRows: 100_000 })?.message).toMatch(/cap of 100000 rows/);
    expect(capExceeded(radius(100_000, 10_000_000), 'production', { maxRows: 100_000 })).toBeUndefined();
  });

  it('an estimate says so in the refusal', () => {
    expect(capExceeded(radius(6_000_000, 10_000_000, true), 'production', { maxPercent: 50 })?.message).toMatch(/, estimated\)? is over/);
  });

  it('no caps: never over', () => {
    expect(capExceeded(radius(1000, 1000), 'development', undefined)).toBeUndefined();
    expect(capExceeded(radius(1000, 1000), 'development', {})).toBeUndefined();
  });

  it('recount: exact under 100 approved rows, 1% above, 10% of an approved estimate', () => {
    expect(recountAccepted(30, 30)).toBe(true);
    expect(recountAccepted(30, 31)).toBe(false);
    expect(recountAccepted(99, 98)).toBe(false);
    expect(recountAccepted(1000, 1010)).toBe(true);
    expect(recountAccepted(1000, 1011)).toBe(false);
    expect(recountAccepted(1000, 990)).toBe(true);
    expect(recountAccepted(1000, 989)).toBe(false);
    expect(recountAccepted(100_000, 109_000, true)).toBe(true);
    expect(recountAccepted(100_000, 111_000, true)).toBe(false);
    expect(recountAccepted(0, 0, true)).toBe(true);
    expect(recountAccepted(0, 1, true)).toBe(false);
  });
});
