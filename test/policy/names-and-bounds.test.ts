import { describe, expect, it } from 'vitest';
import { resolveEnvironment, signalsFromTarget } from '../../src/policy/environment.ts';
import { agentRefusal, permit } from '../../src/policy/permit.ts';
import { BUILT_IN_POLICY, parsePolicy } from '../../src/policy/policy-file.ts';
import { judgeDecision } from '../../src/policy/review-decision.ts';

/** Names from outside (flags, variables, markers, identities) never reach Object.prototype; policy values are bounded. */
describe('names from the command line and bounded policy values', () => {
  const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(prototypeNames)('permit treats environment %s as unknown (production), without crashing', (name) => {
    const decided = permit({ tier: 'write', environment: name, requester: 'dev', tool: 'migrate' }, BUILT_IN_POLICY);
    expect(decided).toMatchObject({ decision: 'approve', policyEnvironment: 'production' });
  });

  it('refuses a signal that is no environment name, and never guesses one from Object.prototype', () => {
    const resolution = resolveEnvironment([{ source: '--env', value: '__proto__' }], BUILT_IN_POLICY);
    expect(resolution).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/"__proto__" \(--env\) is not an environment name/) } });
    expect(signalsFromTarget({ host: 'constructor.internal', database: 'toString' }, BUILT_IN_POLICY)).toEqual([]);
  });

  it.each(prototypeNames)('an agent named %s is not granted anything by Object.prototype', (name) => {
    const policy = { ...BUILT_IN_POLICY, agents: { bot: { tools: ['read'], environments: ['development'] } } };
    expect(agentRefusal(`agent:${name}`, 'migrate', 'development', policy)?.message).toMatch(/is not an agent the policy knows/);
    expect(agentRefusal('agent:bot', name, 'development', policy)?.message).toMatch(/may not call/);
  });

  it('bounds countBudgetMs, maxRows and approvalTtlHours, with the path and the bound in the line', () => {
    const production = { tiers: { read: 'allow', write: 'allow', destructive: 'allow' } };
    const problems = (extra: object, top: object = {}) => {
      const outcome = parsePolicy({ environments: { production: { ...production, ...extra } }, ...top });
      return outcome.ok ? [] : outcome.refusal.problems;
    };
    expect(problems({ blastRadius: { countBudgetMs: 3_000_000_000 } })).toEqual([
      expect.stringMatching(/^environments\.production\.blastRadius\.countBudgetMs: at most 300000 ms/),
    ]);
    expect(problems({ blastRadius: { countBudgetMs: 300_000 } })).toEqual([]);
    expect(problems({ blastRadius: { maxRows: 1e15 } })[0]).toMatch(/maxRows: at most 1000000000000 rows/);
    expect(problems({}, { approvalTtlHours: 1e9 })[0]).toMatch(/approvalTtlHours: at most 8760 hours/);
  });

  it.each(prototypeNames)('a reviewer named %s is not a reviewer the policy knows, and holds no role', (name) => {
    const approval = {
      approvalId: 'apr-1', tier: 'write' as const, environment: 'production', requestedBy: 'dev', tokenRequired: false,
      confirmationToken: 't', roles: ['dba'], fourEyes: true, requestedAt: new Date('2026-12-03T00:00:00Z'),
    };
    const judgement = judgeDecision({ type: 'approve', reviewer: name }, approval, { alice: { roles: ['dba'] } });
    expect(judgement).toMatchObject({ ok: false, refusal: { message: expect.stringMatching(/is not a reviewer in the policy/) } });
  });
});
