import { describe, expect, it } from 'vitest';
import { gateFor, isDevelopmentEnvironment } from '../../src/policy/approval-gate.ts';

describe('gateFor decides by tier and environment', () => {
  it.each([
    ['read', 'production', 'allow', false],
    ['read', 'development', 'allow', false],
    ['write', 'development', 'allow', false],
    ['write', 'dev', 'allow', false],
    ['write', 'staging', 'approve', false],
    ['write', 'production', 'approve', false],
    ['write', 'prod-eu', 'approve', false],
    ['destructive', 'development', 'approve', true],
    ['destructive', 'production', 'approve', true],
    ['forbidden', 'development', 'block', false],
    ['forbidden', 'production', 'block', false],
  ] as const)('%s in %s → %s (token %s)', (tier, environment, decision, tokenRequired) => {
    expect(gateFor(tier, environment)).toMatchObject({ decision, tokenRequired });
  });

  it('treats unknown environments as production', () => {
    expect(isDevelopmentEnvironment('Development')).toBe(true);
    expect(isDevelopmentEnvironment('qa-cluster')).toBe(false);
    expect(isDevelopmentEnvironment('')).toBe(false);
  });
});
