import type { HITLRequest, HITLResponse } from 'langchain';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApprovalRequest, RUN_SQL } from '../../src/contracts/approval-request.ts';
import { ReviewResume } from '../../src/contracts/review-resume.ts';

/**
 * The approve step's interrupt payload follows LangChain v1's
 * human-in-the-loop contract, so Agent Inbox, Studio and SDK clients render
 * it. Checked against the types langchain exports (by `tsc --noEmit`, which
 * `npm test` runs over test/ too), not against a copy of them.
 */
describe('the HITL request is LangChain’s HITLRequest', () => {
  it('its type is assignable to HITLRequest, and a parsed payload keeps every HITL field', () => {
    expectTypeOf<ApprovalRequest>().toExtend<HITLRequest>();
    const payload: HITLRequest = ApprovalRequest.parse({
      actionRequests: [{ name: RUN_SQL, args: { sql: 'DROP TABLE t;', environment: 'production', target: 'db' }, description: 'drop t' }],
      reviewConfigs: [{ actionName: RUN_SQL, allowedDecisions: ['approve', 'edit', 'reject'] }],
      approvalId: 'apr-1',
      threadId: 'mig-1',
      environment: 'production',
      tier: 'destructive',
      summary: 'DROP TABLE t',
      rules: ['ban-drop-table'],
      requestedBy: 'dev',
      tokenRequired: true,
      howToDecide: 'airlock approve apr-1 --as NAME --token …',
    });
    expect(payload.actionRequests[0]!.name).toBe(RUN_SQL);
    expect(payload.reviewConfigs[0]!.allowedDecisions).toEqual(['approve', 'edit', 'reject']);
  });

});

describe('the resume value is LangChain’s HITLResponse, plus who decides', () => {
  it('its type is assignable to HITLResponse, and an HITLResponse a client sends parses as one', () => {
    expectTypeOf<ReviewResume>().toExtend<HITLResponse>();
    const fromClient: HITLResponse = {
      decisions: [{ type: 'edit', editedAction: { name: RUN_SQL, args: { sql: 'SELECT 1;' } } }],
    };
    expect(ReviewResume.parse({ ...fromClient, reviewer: 'alice' }).decisions).toEqual(fromClient.decisions);
    expect(ReviewResume.safeParse({ decisions: [] }).success).toBe(false);
  });
});
