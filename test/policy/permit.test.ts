import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICY, parsePolicy, type Policy } from '../../src/policy/policy-file.ts';
import { permit } from '../../src/policy/permit.ts';

const ask = (tier: 'read' | 'write' | 'destructive' | 'forbidden', environment: string, requester = 'dev', tool = 'migrate') =>
  permit({ tier, environment, requester, tool }, BUILT_IN_POLICY);

describe('permit under the built-in policy', () => {
  it.each([
    ['read', 'production', 'allow', false],
    ['read', 'development', 'allow', false],
    ['write', 'development', 'allow', false],
    ['write', 'staging', 'approve', false],
    ['write', 'production', 'approve', false],
    ['destructive', 'development', 'approve', true],
    ['destructive', 'staging', 'approve', true],
    ['destructive', 'production', 'approve', true],
    ['forbidden', 'development', 'block', false],
    ['forbidden', 'production', 'block', false],
  ] as const)('%s in %s → %s (token %s)', (tier, environment, decision, tokenRequired) => {
    expect(ask(tier, environment)).toMatchObject({ decision, tokenRequired });
  });

  it('treats an unknown environment as production, and says so', () => {
    const verdict = ask('write', 'qa-cluster-7');
    expect(verdict).toMatchObject({ decision: 'approve', policyEnvironment: 'production', fourEyes: true });
    expect(verdict.reason).toMatch(/unknown environment qa-cluster-7, treated as production/);
  });

  it('has four eyes everywhere but development', () => {
    expect(ask('destructive', 'production').fourEyes).toBe(true);
    expect(ask('destructive', 'development').fourEyes).toBe(false);
  });
});

describe('permit under a policy file', () => {
  const policy: Policy = (() => {
    const parsed = parsePolicy({
      environments: {
        production: {
          tiers: { read: 'allow', write: { approve: { roles: ['dba', 'lead'] } }, destructive: 'block' },
        },
        staging: { tiers: { read: 'allow', write: 'allow', destructive: { approve: { roles: ['dba'], token: true } } } },
      },
      reviewers: { alice: { roles: ['dba'] }, bob: { roles: ['lead'] } },
      agents: { 'cleanup-bot': { tools: ['migrate'], environments: ['staging'] } },
    });
    if (!parsed.ok) throw new Error(parsed.refusal.problems.join('; '));
    return parsed.value;
  })();

  it('applies the roles and blocks what the file blocks', () => {
    expect(permit({ tier: 'write', environment: 'production', requester: 'dev', tool: 'migrate' }, policy)).toMatchObject({
      decision: 'approve',
      roles: ['dba', 'lead'],
      tokenRequired: false,
    });
    expect(permit({ tier: 'destructive', environment: 'production', requester: 'dev', tool: 'migrate' }, policy).decision).toBe('block');
    expect(permit({ tier: 'destructive', environment: 'staging', requester: 'dev', tool: 'migrate' }, policy)).toMatchObject({
      decision: 'approve',
      roles: ['dba'],
      tokenRequired: true,
    });
  });

  it('lets a listed agent call only its tools, only where it is allowed; unlisted agents are blocked', () => {
    expect(permit({ tier: 'write', environment: 'staging', requester: 'agent:cleanup-bot', tool: 'migrate' }, policy).decision).toBe('allow');
    const elsewhere = permit({ tier: 'read', environment: 'production', requester: 'agent:cleanup-bot', tool: 'migrate' }, policy);
    expect(elsewhere.decision).toBe('block');
    expect(elsewhere.reason).toMatch(/may not act in production/);
    const tool = permit({ tier: 'read', environment: 'staging', requester: 'agent:cleanup-bot', tool: 'cleanup' }, policy);
    expect(tool.reason).toMatch(/may not call cleanup/);
    const stranger = permit({ tier: 'read', environment: 'staging', requester: 'agent:other', tool: 'migrate' }, policy);
    expect(stranger.reason).toMatch(/not an agent the policy knows/);
  });
});
