import { describe, expect, it } from 'vitest';
import { clockAhead, clockOverride, clockStartingAt, parseForwardOffset, parseInstant } from '../../src/policy/clock.ts';

const fixed = (iso: string) => () => new Date(iso);

describe('the clock as an input', () => {
  it('parses instants only with their zone', () => {
    expect(parseInstant('2027-12-03T10:00:00Z')?.toISOString()).toBe('2027-12-03T10:00:00.000Z');
    expect(parseInstant('2027-12-03T10:00:00.5+01:00')?.toISOString()).toBe('2027-12-03T09:00:00.500Z');
    expect(parseInstant(' 2027-12-03T10:00Z ')?.toISOString()).toBe('2027-12-03T10:00:00.000Z');
    for (const bad of ['2027-12-03', '2027-12-03T10:00:00', 'tomorrow', '', '2027-13-40T10:00:00Z', '1e12']) expect(parseInstant(bad), bad).toBeUndefined();
  });

  it('parses forward offsets only', () => {
    expect(parseForwardOffset('+365d')).toBe(365 * 86_400_000);
    expect(parseForwardOffset('+73h')).toBe(73 * 3_600_000);
    expect(parseForwardOffset('+90m')).toBe(90 * 60_000);
    for (const bad of ['365d', '-3d', '+', '+3y', '+1e9d', '+99999999w']) expect(parseForwardOffset(bad), bad).toBeUndefined();
  });

  it('a clock starting at a time advances with the clock under it', () => {
    let real = new Date('2026-12-03T10:00:00Z').getTime();
    const clock = clockStartingAt(new Date('2026-11-24T00:00:00Z'), () => new Date(real));
    expect(clock().toISOString()).toBe('2026-11-24T00:00:00.000Z');
    real += 5_000;
    expect(clock().toISOString()).toBe('2026-11-24T00:00:05.000Z');
    expect(clockAhead(3_600_000, fixed('2026-12-03T10:00:00Z'))().toISOString()).toBe('2026-12-03T11:00:00.000Z');
  });

  it('AIRLOCK_NOW moves the clock forward and never back', () => {
    const real = fixed('2026-12-03T10:00:00Z');
    const ahead = clockOverride('+366d', real);
    expect(ahead.ok && ahead.value.clock().toISOString()).toBe('2027-12-04T10:00:00.000Z');
    const at = clockOverride('2027-01-01T00:00:00Z', real);
    expect(at.ok && at.value.clock().toISOString()).toBe('2027-01-01T00:00:00.000Z');
    const back = clockOverride('2026-12-02T10:00:00Z', real);
    expect(!back.ok && back.refusal.message).toMatch(/can only be moved forward/);
    const garbage = clockOverride('-1d', real);
    expect(!garbage.ok && garbage.refusal.message).toMatch(/must be an offset like \+365d/);
  });
});
