import { describe, expect, it } from 'vitest';
import { readResume, type PendingApproval } from '../../src/policy/review-decision.ts';
import {
  answeredBy,
  MAX_REFUSED_DECISIONS,
  rejectionAfterRefusals,
  screenDecision,
  TOO_MANY_REFUSED_DECISIONS,
} from '../../src/pipeline/approve/screen-decision.ts';

const pending: PendingApproval = {
  approvalId: 'apr-1',
  tier: 'destructive',
  environment: 'production',
  requestedBy: 'dev',
  tokenRequired: true,
  confirmationToken: '20270301-drop-t-abcd',
  fourEyes: true,
  requestedAt: new Date('2027-03-01T09:00:00Z'),
};
const inTime = { now: new Date('2027-03-01T10:00:00Z'), ttlHours: 72 };
const tooLate = { now: new Date('2027-03-04T09:00:00Z'), ttlHours: 72 };

describe('the approve step screens each answer before it counts (no database)', () => {
  it('an answer that is not a HITL decision is refused with why, and names no one', () => {
    const answer = readResume({ approve: 'yes please' });
    expect(screenDecision(answer, pending, {}, inTime)).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/not \{decisions/) });
    expect(answeredBy(answer)).toBe('(unnamed)');
  });

  it('the right token from another person approves; the reviewer is named in the audit', () => {
    const answer = readResume({ decisions: [{ type: 'approve' }], reviewer: 'bob', token: pending.confirmationToken });
    expect(screenDecision(answer, pending, {}, inTime)).toEqual({ outcome: 'approved', reviewer: 'bob' });
    expect(answeredBy(answer)).toBe('bob');
  });

  it('a wrong token is refused, and the action stays pending', () => {
    const answer = readResume({ decisions: [{ type: 'approve' }], reviewer: 'bob', token: 'nope' });
    expect(screenDecision(answer, pending, {}, inTime)).toMatchObject({ outcome: 'refused', code: 'token-mismatch', reason: expect.stringMatching(/does not match/) });
  });

  it('approving past the TTL is Airlock rejecting it as expired: it never runs', () => {
    const answer = readResume({ decisions: [{ type: 'approve' }], reviewer: 'bob', token: pending.confirmationToken });
    expect(screenDecision(answer, pending, {}, tooLate)).toEqual({ outcome: 'rejected', reviewer: 'airlock', reason: 'expired' });
  });

  it('an edit carries the SQL to check again', () => {
    const answer = readResume({
      decisions: [{ type: 'edit', editedAction: { name: 'run_sql', args: { sql: 'DELETE FROM t WHERE id = 2' } } }],
      reviewer: 'bob',
      token: pending.confirmationToken,
    });
    expect(screenDecision(answer, pending, {}, inTime)).toEqual({ outcome: 'edited', reviewer: 'bob', sql: 'DELETE FROM t WHERE id = 2' });
  });
});

describe('the bound on asking again', () => {
  it('is a fixed, generous number', () => {
    expect(MAX_REFUSED_DECISIONS).toBe(25);
  });

  it('once reached, Airlock rejects the approval itself, with the code and the last refusal, in one line', () => {
    const rejection = rejectionAfterRefusals('the token does not match this action');
    expect(rejection).toMatchObject({ outcome: 'rejected', reviewer: 'airlock' });
    expect(rejection.reason).toContain(`${MAX_REFUSED_DECISIONS} decisions in a row were refused`);
    expect(rejection.reason).toContain('the last: the token does not match this action');
    expect(rejection.reason).toContain(TOO_MANY_REFUSED_DECISIONS);
    expect(rejection.reason).not.toContain('\n');
  });
});
