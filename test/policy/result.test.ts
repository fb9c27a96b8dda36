import { beforeAll, describe, expect, it } from 'vitest';
import { ok, refuse, refused, refusedWith, type Result } from '../../src/contracts/result.ts';
import { readThreadExport } from '../../src/contracts/thread-export.ts';
import { checkAgentExplain, checkAgentSelect } from '../../src/policy/agent-sql.ts';
import { capExceeded } from '../../src/policy/blast-radius.ts';
import { judgeCaps } from '../../src/policy/cap-judgement.ts';
import { cascadeRefusal } from '../../src/policy/cascade-reach.ts';
import { planCleanup } from '../../src/policy/cleanup-request.ts';
import { clockOverride } from '../../src/policy/clock.ts';
import { resolveEnvironment } from '../../src/policy/environment.ts';
import { INPUT_LIMITS, sqlTooLarge, tooManyStatements } from '../../src/policy/input-limits.ts';
import { agentRefusal, permit } from '../../src/policy/permit.ts';
import { BUILT_IN_POLICY, Policy, parsePolicy } from '../../src/policy/policy-file.ts';
import { judgeDecision, readResume, type PendingApproval } from '../../src/policy/review-decision.ts';
import { rowChangeOf } from '../../src/policy/row-change.ts';
import { smokeQueryRefusal } from '../../src/policy/smoke-query.ts';
import { loadSqlParser, parseSql } from '../../src/sql/parse-sql.ts';

beforeAll(() => loadSqlParser());

describe('one result type across the pure core', () => {
  it('ok carries the value; refused carries the code and the line', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(refused('input-limit', 'too big')).toEqual({ ok: false, refusal: { code: 'input-limit', message: 'too big' } });
    expect(refuse('parse-error', 'does not parse')).toEqual({ code: 'parse-error', message: 'does not parse' });
    const made = refuse('tier-blocked', 'blocked');
    expect(refusedWith(made)).toEqual({ ok: false, refusal: made });
  });

  it('narrows on ok: a value on one side, a refusal on the other', () => {
    const halve = (n: number): Result<number, 'odd-number'> => (n % 2 ? refused('odd-number', `${n} is odd: pass an even number`) : ok(n / 2));
    const even = halve(4);
    const odd = halve(3);
    expect(even.ok && even.value).toBe(2);
    expect(!odd.ok && odd.refusal.code).toBe('odd-number');
  });
});

/** Code acts on the code; these pin each check's name, so that no caller needs to read a message. */
describe('refusals name the check that refused', () => {
  const codeOf = (result: { ok: boolean; refusal?: { code: string } }) => (result.ok ? 'ok' : result.refusal!.code);

  it('a cleanup filter', () => {
    expect(codeOf(planCleanup('public.sessions', '  '))).toBe('empty-filter');
    expect(codeOf(planCleanup('public.sessions', 'id <'))).toBe('parse-error');
    expect(codeOf(planCleanup('public.sessions', 'true) UNION (SELECT 1'))).toBe('plain-filter-only');
    expect(codeOf(planCleanup('public.sessions', 'random() < 0.5'))).toBe('unstable-predicate');
    expect(codeOf(planCleanup('public.sessions', 'id IN (SELECT pg_terminate_backend(1))'))).toBe('filter-must-only-read');
    expect(codeOf(planCleanup('public.sessions', "status = 'stale'"))).toBe('ok');
  });

  it('the clock override', () => {
    const real = () => new Date('2026-12-03T10:00:00Z');
    expect(codeOf(clockOverride('yesterday', real))).toBe('clock-override-malformed');
    expect(codeOf(clockOverride('2026-12-01T00:00:00Z', real))).toBe('clock-override-backward');
    expect(codeOf(clockOverride('+1d', real))).toBe('ok');
  });

  it('the environment', () => {
    expect(codeOf(resolveEnvironment([], BUILT_IN_POLICY))).toBe('environment-missing');
    expect(codeOf(resolveEnvironment([{ source: '--env', value: 'prod uction' }], BUILT_IN_POLICY))).toBe('environment-malformed');
    const disagree = [
      { source: '--env', value: 'staging' },
      { source: 'APP_ENV', value: 'production' },
    ];
    expect(codeOf(resolveEnvironment(disagree, BUILT_IN_POLICY))).toBe('environment-signals-disagree');
  });

  it('the policy file, with every problem beside the line', () => {
    const parsed = parsePolicy({ colour: 'blue' }, 'the policy file p.json');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.refusal.code).toBe('policy-invalid');
      expect(parsed.refusal.message).toMatch(/^the policy file p\.json is invalid at .* \(and \d+ more\): fix it; nothing was run$/);
      expect(parsed.refusal.problems.length).toBeGreaterThan(1);
    }
  });

  it("a reviewer's decision", () => {
    const pending: PendingApproval = {
      approvalId: 'apr-1', tier: 'destructive', environment: 'production', requestedBy: 'dev', tokenRequired: true,
      confirmationToken: 'tok', fourEyes: true, requestedAt: new Date('2026-11-20T10:00:00Z'),
    };
    expect(codeOf(judgeDecision({ type: 'approve' }, pending))).toBe('no-reviewer');
    expect(codeOf(judgeDecision({ type: 'approve', reviewer: 'agent:bot', token: 'tok' }, pending))).toBe('agent-reviewer');
    expect(codeOf(judgeDecision({ type: 'approve', reviewer: 'dev', token: 'tok' }, pending))).toBe('four-eyes');
    expect(codeOf(judgeDecision({ type: 'approve', reviewer: 'alice' }, pending))).toBe('token-missing');
    expect(codeOf(judgeDecision({ type: 'approve', reviewer: 'alice', token: 'other' }, pending))).toBe('token-mismatch');
    expect(codeOf(judgeDecision({ type: 'approve', reviewer: 'alice', token: 'tok' }, pending, {}, { now: new Date('2027-01-01T00:00:00Z'), ttlHours: 72 }))).toBe(
      'approval-expired',
    );
    expect(codeOf(readResume({ decisions: [{ type: 'approve' }, { type: 'reject' }] }))).toBe('one-decision-only');
    expect(codeOf(readResume('yes'))).toBe('resume-shape');
  });

  it('caps, limits, smoke queries, CASCADE and agents', () => {
    const radius = { rows: 700, table_rows: 1000, pct: 70, estimated: false };
    expect(capExceeded(radius, 'production', { maxPercent: 50 })?.code).toBe('blast-radius-cap');
    expect(codeOf(judgeCaps(radius, 'production', { maxPercent: 50 }))).toBe('blast-radius-cap');
    expect(sqlTooLarge(INPUT_LIMITS.maxSqlBytes + 1)?.code).toBe('input-limit');
    expect(tooManyStatements(INPUT_LIMITS.maxStatements + 1)?.code).toBe('input-limit');
    expect(smokeQueryRefusal('DELETE FROM t')?.code).toBe('smoke-query-not-plain-read');
    expect(cascadeRefusal(1, [{ description: 'table app.people', kind: 'table', table: 'app.people' }])?.code).toBe('cascade-reaches-data');
    const policy = Policy.parse({ ...BUILT_IN_POLICY, agents: { reader: { tools: ['read'], environments: ['production'] } } });
    expect(agentRefusal('agent:stranger', 'run_select', 'production', policy)?.code).toBe('unknown-agent');
    expect(agentRefusal('agent:reader', 'propose_cleanup', 'production', policy)?.code).toBe('agent-permission');
    // permit carries the same code in its block.
    expect(permit({ tier: 'read', environment: 'production', requester: 'agent:stranger', tool: 'run_select' }, policy)).toMatchObject({
      decision: 'block',
      code: 'unknown-agent',
    });
  });

  it("an agent's read tools and a row change that cannot be measured", () => {
    expect(codeOf(checkAgentSelect('SELECT 1; SELECT 2'))).toBe('one-statement-only');
    expect(codeOf(checkAgentSelect('SELECT * FROM airlock.approvals'))).toBe('airlock-state');
    expect(codeOf(checkAgentExplain('DROP TABLE users'))).toBe('explain-dml-only');
    const parsed = parseSql('DELETE FROM t WHERE CURRENT OF c');
    expect(parsed.ok && codeOf(rowChangeOf(parsed.statements[0]!)!)).toBe('blast-radius-unmeasured');
  });

  it('a thread export', () => {
    const running = { airlock: '0.1.0', langgraph: '1.7.3', checkpoint_postgres: '1.0.5' };
    expect(codeOf(readThreadExport('hello', running))).toBe('not-a-thread-export');
  });
});
