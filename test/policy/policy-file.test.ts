import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICY, parsePolicy } from '../../src/policy/policy-file.ts';

const valid = {
  environments: {
    production: { tiers: { read: 'allow', write: { approve: {} }, destructive: { approve: { roles: ['dba'], token: true } } } },
  },
  reviewers: { alice: { roles: ['dba'] } },
};

describe('the policy file', () => {
  it('accepts a valid file and fills in defaults', () => {
    const parsed = parsePolicy(valid);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.approvalTtlHours).toBe(72);
      expect(parsed.value.environments.production!.tiers.forbidden).toBe('block');
      expect(parsed.value.environments.production!.fourEyes).toBe(true);
    }
  });

  it('the built-in policy is itself valid', () => {
    expect(parsePolicy(BUILT_IN_POLICY).ok).toBe(true);
  });

  it.each([
    [{ ...valid, environments: { production: { tiers: { read: 'allow', write: 'sometimes', destructive: 'block' } } } }, /^environments\.production\.tiers\.write: expected "allow", "block" or/],
    [{ ...valid, environments: { staging: valid.environments.production } }, /^environments\.production: a "production" environment is required/],
    [{ ...valid, reviewers: {} }, /^environments\.production\.tiers\.destructive\.approve\.roles\[0\]: no reviewer has role "dba"/],
    [{ ...valid, environments: { production: { tiers: { ...valid.environments.production.tiers, forbidden: 'allow' } } } }, /^environments\.production\.tiers\.forbidden: forbidden statements are always blocked/],
    [{ ...valid, colour: 'blue' }, /^\(top level\): Unrecognized key: "colour"/i],
    [{ ...valid, approvalTtlHours: -1 }, /^approvalTtlHours: /],
    [{ ...valid, agents: { bot: { tools: ['migrate'], environments: ['mars'] } } }, /^agents\.bot\.environments\[0\]: unknown environment "mars"/],
    [{ ...valid, environments: { ...valid.environments, prod2: { aliases: ['production'], tiers: valid.environments.production.tiers } } }, /aliases: "production" already names production/],
  ])('refuses a bad file with the JSON path of the problem (%#)', (json, problem) => {
    const parsed = parsePolicy(json);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.refusal.problems.join('\n')).toMatch(problem);
  });
});
