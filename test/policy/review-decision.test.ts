import { describe, expect, it } from 'vitest';
import { judgeDecision, readResume, type PendingApproval } from '../../src/policy/review-decision.ts';
import { ok } from '../../src/contracts/result.ts';

const pending: PendingApproval = {
  approvalId: 'apr-1',
  tier: 'destructive',
  environment: 'production',
  requestedBy: 'dev',
  tokenRequired: true,
  confirmationToken: '20261122-drop-t-abcd',
  fourEyes: true,
  requestedAt: new Date('2026-11-20T10:00:00Z'),
};

describe('readResume accepts the HITL shape and Agent Inbox’s legacy shape', () => {
  it.each([
    [{ decisions: [{ type: 'approve' }], reviewer: 'alice', token: 'x' }, { type: 'approve', reviewer: 'alice', token: 'x' }],
    [{ decisions: [{ type: 'reject', message: 'no' }], reviewer: 'alice' }, { type: 'reject', reviewer: 'alice', reason: 'no' }],
    [[{ type: 'accept', args: { reviewer: 'bob', token: 't' } }], { type: 'approve', reviewer: 'bob', token: 't' }],
    [[{ type: 'ignore' }], { type: 'reject' }],
    [[{ type: 'response', args: 'looks wrong' }], { type: 'reject', reason: 'looks wrong' }],
  ])('%j', (value, expected) => {
    expect(readResume(value)).toMatchObject({ ok: true, value: expected });
  });

  it.each([['approve'], [true], [{ decisions: [] }], [{ decisions: [{ type: 'maybe' }] }], [null]])('refuses %j', (value) => {
    expect(readResume(value)).toHaveProperty('refusal');
  });

  it('refuses several decisions for one pending action', () => {
    expect(readResume({ decisions: [{ type: 'approve' }, { type: 'reject' }] })).toHaveProperty('refusal');
  });
});

describe('judgeDecision', () => {
  it('approves with the right token from another person', () => {
    expect(judgeDecision({ type: 'approve', reviewer: 'alice', token: pending.confirmationToken }, pending)).toEqual(ok({
      outcome: 'approved',
      reviewer: 'alice',
    }));
  });

  it.each([
    [{ type: 'approve' as const, token: pending.confirmationToken }, /no reviewer/],
    [{ type: 'approve' as const, reviewer: 'alice' }, /needs its confirmation token/],
    [{ type: 'approve' as const, reviewer: 'alice', token: '20261122-drop-t-abce' }, /does not match/],
    [{ type: 'approve' as const, reviewer: 'dev', token: pending.confirmationToken }, /cannot also approve/],
    [{ type: 'approve' as const, reviewer: 'agent:bot', token: pending.confirmationToken }, /agents can never approve/],
    [{ type: 'edit' as const, reviewer: 'alice' }, /an edit needs the SQL/],
  ])('refuses %j', (decision, reason) => {
    const judgement = judgeDecision(decision, pending);
    expect(judgement.ok).toBe(false);
    expect(!judgement.ok && judgement.refusal.message).toMatch(reason);
  });

  it('needs no token where the gate does not ask for one, and lets the requester approve in development', () => {
    const dev = { ...pending, environment: 'development', tokenRequired: false, fourEyes: false };
    expect(judgeDecision({ type: 'approve', reviewer: 'dev' }, dev)).toMatchObject({ ok: true, value: { outcome: 'approved' } });
  });

  it('a token given where none is needed must still be this action’s: another one means the wrong action', () => {
    const dev = { ...pending, environment: 'development', tokenRequired: false, fourEyes: false };
    expect(judgeDecision({ type: 'approve', reviewer: 'dev', token: dev.confirmationToken }, dev)).toMatchObject({ ok: true, value: { outcome: 'approved' } });
    const wrong = judgeDecision({ type: 'approve', reviewer: 'dev', token: '20261122-drop-u-ffff' }, dev);
    expect(!wrong.ok && wrong.refusal.message).toMatch(/needs no confirmation token, and the one given is not this action's/);
  });

  it('where the policy names roles, only a reviewer holding one may approve', () => {
    const guarded = { ...pending, roles: ['dba'] };
    const reviewers = { alice: { roles: ['dba'] }, bob: { roles: ['developer'] } };
    const token = pending.confirmationToken;
    expect(judgeDecision({ type: 'approve', reviewer: 'alice', token }, guarded, reviewers)).toMatchObject({ ok: true, value: { outcome: 'approved' } });
    const bob = judgeDecision({ type: 'approve', reviewer: 'bob', token }, guarded, reviewers);
    expect(!bob.ok && bob.refusal.message).toMatch(/needs role dba, and bob has developer/);
    const carol = judgeDecision({ type: 'approve', reviewer: 'carol', token }, guarded, reviewers);
    expect(!carol.ok && carol.refusal.message).toMatch(/carol is not a reviewer in the policy/);
    // When the policy lists reviewers, nobody else may approve, even where no role is named.
    const stranger = judgeDecision({ type: 'approve', reviewer: 'mallory', token }, pending, reviewers);
    expect(!stranger.ok && stranger.refusal.message).toMatch(/mallory is not a reviewer in the policy/);
  });

  it('an approval past the policy’s TTL is expired: approving it fails, rejecting it still works', () => {
    const token = pending.confirmationToken;
    const justInTime = { now: new Date('2026-11-23T09:59:59Z'), ttlHours: 72 };
    const tooLate = { now: new Date('2026-11-23T10:00:00Z'), ttlHours: 72 };
    expect(judgeDecision({ type: 'approve', reviewer: 'alice', token }, pending, {}, justInTime)).toMatchObject({ ok: true, value: { outcome: 'approved' } });
    const late = judgeDecision({ type: 'approve', reviewer: 'alice', token }, pending, {}, tooLate);
    expect(!late.ok && late.refusal.code).toBe('approval-expired');
    expect(!late.ok && late.refusal.message).toMatch(/expired at 2026-11-23T10:00:00.000Z .*nothing runs/);
    expect(judgeDecision({ type: 'reject', reviewer: 'alice' }, pending, {}, tooLate)).toMatchObject({ ok: true, value: { outcome: 'rejected' } });
  });

  it('anyone named may reject, with a reason recorded', () => {
    expect(judgeDecision({ type: 'reject', reviewer: 'agent:bot', reason: 'stop' }, pending)).toEqual(ok({
      outcome: 'rejected',
      reviewer: 'agent:bot',
      reason: 'stop',
    }));
  });
});

// Names normalised once (policy/principal-name.ts): a variant of a name is the same person or refused.
describe('judgeDecision with names that try to pass for someone else', () => {
  const approve = (reviewer: string) => judgeDecision({ type: 'approve', reviewer, token: pending.confirmationToken }, pending);

  it.each(['Dev', 'dev ', 'DEV', 'ｄｅｖ', ' d e v '])('%j cannot approve what dev requested (four eyes)', (reviewer) => {
    expect(approve(reviewer)).toMatchObject({ refusal: { code: 'four-eyes' } });
  });

  it.each(['dev\u200b', 'de\u200dv', '\u2066dev\u2069'])('%j is refused as a name before anything else', (reviewer) => {
    expect(approve(reviewer)).toMatchObject({ refusal: { code: 'reviewer-name' } });
  });

  it.each(['AGENT:bot', 'Agent:bot', 'ａｇｅｎｔ:bot'])('%j is an agent and can never approve', (reviewer) => {
    expect(approve(reviewer)).toMatchObject({ refusal: { code: 'agent-reviewer' } });
  });

  it('a requester recorded with a hidden character still counts as the same person', () => {
    expect(judgeDecision({ type: 'approve', reviewer: 'dev', token: pending.confirmationToken }, { ...pending, requestedBy: 'De\u200bv ' })).toMatchObject({
      refusal: { code: 'four-eyes' },
    });
  });

  it('the reviewer is recorded in its normalised form, and found in the policy whatever its case', () => {
    expect(approve('Alice')).toMatchObject({ ok: true, value: { reviewer: 'alice' } });
    const reviewers = { Alice: { roles: ['dba'] } };
    const roles = { ...pending, roles: ['dba'] };
    expect(judgeDecision({ type: 'approve', reviewer: 'ALICE', token: pending.confirmationToken }, roles, reviewers)).toMatchObject({ ok: true });
    expect(judgeDecision({ type: 'approve', reviewer: 'mallory', token: pending.confirmationToken }, roles, reviewers)).toMatchObject({
      refusal: { code: 'not-a-reviewer' },
    });
  });
});
