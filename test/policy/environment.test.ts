import { describe, expect, it } from 'vitest';
import { canonicalEnvironment, resolveEnvironment, signalsFromTarget } from '../../src/policy/environment.ts';
import { BUILT_IN_POLICY, parsePolicy } from '../../src/policy/policy-file.ts';

const policy = BUILT_IN_POLICY;

describe('environment detection', () => {
  it('knows aliases', () => {
    expect(canonicalEnvironment('PROD', policy)).toBe('production');
    expect(canonicalEnvironment('dev', policy)).toBe('development');
    expect(canonicalEnvironment('qa', policy)).toBe('qa');
  });

  it('agreeing signals resolve to one environment', () => {
    const resolution = resolveEnvironment(
      [{ source: '--env', value: 'production' }, { source: 'APP_ENV', value: 'prod' }, { source: 'database marker (airlock db mark)', value: 'production' }],
      policy,
    );
    expect(resolution).toMatchObject({ ok: true, value: 'production' });
  });

  it('disagreeing signals block, listing every signal', () => {
    const resolution = resolveEnvironment(
      [{ source: '--env', value: 'staging' }, { source: 'APP_ENV', value: 'staging' }, { source: 'database marker (airlock db mark)', value: 'production' }],
      policy,
    );
    expect(resolution.ok).toBe(false);
    expect(!resolution.ok && resolution.refusal.message).toMatch(/--env=staging, APP_ENV=staging, database marker \(airlock db mark\)=production/);
  });

  it('no signal at all is an error', () => {
    expect(resolveEnvironment([], policy).ok).toBe(false);
  });

  it('reads the target’s host and database name', () => {
    expect(signalsFromTarget({ host: 'db-prod-eu-1.internal', database: 'app' }, policy)).toEqual([
      { source: 'database host db-prod-eu-1.internal', value: 'production' },
    ]);
    expect(signalsFromTarget({ host: '127.0.0.1', database: 'app_staging' }, policy)).toEqual([
      { source: 'database name app_staging', value: 'staging' },
    ]);
    expect(signalsFromTarget({ host: '127.0.0.1', database: 'airlock' }, policy)).toEqual([]);
    // "product" is not "prod": whole words only.
    expect(signalsFromTarget({ host: 'products-db', database: 'catalog' }, policy)).toEqual([]);
  });

  it('uses the policy’s detect patterns first', () => {
    const parsed = parsePolicy({
      environments: {
        production: { tiers: { read: 'allow', write: 'allow', destructive: 'block' }, detect: { hosts: ['*.db.example.com'] } },
      },
    });
    if (!parsed.ok) throw new Error(parsed.refusal.problems.join());
    expect(signalsFromTarget({ host: 'orders.db.example.com', database: 'orders' }, parsed.value)).toEqual([
      { source: 'database host orders.db.example.com (policy detect)', value: 'production' },
    ]);
  });
});
