import { isAgentIdentity } from './agent-names.ts';
import { principalName, sameName } from './principal-name.ts';
import { z } from 'zod';
import type { Tier } from '../contracts/tier.ts';
import { ownEntry } from './own-key.ts';
import { ok, refused, type Result } from '../contracts/result.ts';
import { ReviewResume } from '../contracts/review-resume.ts';

/** Agent Inbox's legacy `HumanResponse` list, accepted too. */
const LegacyHumanResponse = z
  .array(z.object({ type: z.enum(['accept', 'edit', 'ignore', 'response']), args: z.unknown().optional() }))
  .min(1);

export interface ReviewerDecision {
  type: 'approve' | 'edit' | 'reject';
  reviewer?: string;
  token?: string;
  reason?: string;
  /** For `edit`: the SQL to run instead. */
  editedSql?: string;
}

function editedSqlOf(args: unknown): string | undefined {
  const sql = (args as { sql?: unknown } | undefined)?.sql;
  return typeof sql === 'string' && sql.trim() ? sql : undefined;
}

function legacyField(args: unknown, field: string): string | undefined {
  if (args && typeof args === 'object' && field in args) {
    const value = (args as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/** Several decisions for one action; an edit without its SQL; neither accepted shape. */
export type ResumeRefusalCode = 'one-decision-only' | 'edit-without-sql' | 'resume-shape';

/** Read a resume value in either accepted shape; anything else is refused, with the line to show the reviewer. */
export function readResume(value: unknown): Result<ReviewerDecision, ResumeRefusalCode> {
  const current = ReviewResume.safeParse(value);
  if (current.success) {
    const [decision] = current.data.decisions;
    if (current.data.decisions.length > 1) return refused('one-decision-only', 'one action is pending, but several decisions were sent: send one');
    const editedSql = decision!.type === 'edit' ? editedSqlOf(decision!.editedAction.args) : undefined;
    if (decision!.type === 'edit' && !editedSql) return refused('edit-without-sql', 'an edit must carry editedAction.args.sql: the SQL to run instead');
    return ok({
      type: decision!.type,
      reviewer: current.data.reviewer,
      token: current.data.token,
      reason: 'message' in decision! ? decision.message : undefined,
      ...(editedSql ? { editedSql } : {}),
    });
  }
  const legacy = LegacyHumanResponse.safeParse(value);
  if (legacy.success) {
    const [response] = legacy.data;
    const type = response!.type === 'accept' ? 'approve' : response!.type === 'edit' ? 'edit' : 'reject';
    const editedSql = type === 'edit' ? editedSqlOf((response!.args as { args?: unknown } | undefined)?.args) : undefined;
    if (type === 'edit' && !editedSql) return refused('edit-without-sql', 'an edit must carry args.args.sql: the SQL to run instead');
    return ok({
      ...(editedSql ? { editedSql } : {}),
      type,
      reviewer: legacyField(response!.args, 'reviewer'),
      token: legacyField(response!.args, 'token'),
      reason: typeof response!.args === 'string' ? response!.args : legacyField(response!.args, 'reason'),
    });
  }
  return refused('resume-shape', 'the resume value is not {decisions:[{type:"approve"|"edit"|"reject"}], reviewer, token}');
}

export interface PendingApproval {
  approvalId: string;
  tier: Tier;
  environment: string;
  requestedBy: string;
  tokenRequired: boolean;
  confirmationToken: string;
  /** Reviewer roles that may approve; undefined: any named person. */
  roles?: string[];
  /** The requester may not approve their own action. */
  fourEyes: boolean;
  requestedAt: Date;
}

/** When a pending approval stops counting: the policy's TTL after it was requested. */
export function expiresAt(approval: Pick<PendingApproval, 'requestedAt'>, ttlHours: number): Date {
  return new Date(approval.requestedAt.getTime() + ttlHours * 3_600_000);
}

/** The policy's reviewers and their roles. */
export type Reviewers = Record<string, { roles: string[] }>;

/** A decision that counts. */
export type Judgement =
  | { outcome: 'approved'; reviewer: string }
  | { outcome: 'edited'; reviewer: string; sql: string }
  | { outcome: 'rejected'; reviewer: string; reason: string };

/**
 * Why a decision does not count: the approval expired (it is then rejected by
 * Airlock itself), or the check on the reviewer, the edit or the token that
 * failed (the approval stays pending).
 */
export type JudgementRefusalCode =
  | 'approval-expired'
  | 'no-reviewer'
  | 'reviewer-name'
  | 'agent-reviewer'
  | 'edit-without-sql'
  | 'four-eyes'
  | 'not-a-reviewer'
  | 'reviewer-role'
  | 'token-missing'
  | 'token-mismatch'
  | 'token-not-needed';

/** The policy's entry for a reviewer, its key compared as names are (principal-name.ts). */
function reviewerEntry(reviewers: Reviewers, reviewer: string) {
  const key = Object.keys(reviewers).find((name) => sameName(name, reviewer));
  return key === undefined ? undefined : ownEntry(reviewers, key);
}

/** Whether a reviewer's decision counts. Pure: the CLI checks it before deciding, the approve node again after. */
export function judgeDecision(
  decision: ReviewerDecision,
  approval: PendingApproval,
  reviewers: Reviewers = {},
  clock: { now: Date; ttlHours: number } = { now: approval.requestedAt, ttlHours: Infinity },
): Result<Judgement, JudgementRefusalCode> {
  const expiry = expiresAt(approval, clock.ttlHours);
  if (decision.type !== 'reject' && clock.now >= expiry) {
    return refused(
      'approval-expired',
      `${approval.approvalId} expired at ${expiry.toISOString()} (pending approvals expire after ${clock.ttlHours} h): it is rejected and nothing runs; submit it again if it is still needed`,
    );
  }
  if (!decision.reviewer?.trim()) return refused('no-reviewer', 'no reviewer named: pass --as NAME or set AIRLOCK_REVIEWER');
  // Normalised once (principal-name.ts): the name decided under is the one recorded.
  const named = principalName(decision.reviewer);
  if (!named.ok) return refused('reviewer-name', `${named.message} (nothing was decided)`);
  const reviewer = named.name;
  if (decision.type === 'reject') {
    return ok({ outcome: 'rejected', reviewer, reason: decision.reason?.trim() || 'no reason given' });
  }
  if (isAgentIdentity(reviewer)) {
    return refused('agent-reviewer', `${reviewer} is an agent identity, and agents can never approve or edit: ask a person`);
  }
  if (decision.type === 'edit' && !decision.editedSql?.trim()) {
    return refused('edit-without-sql', 'an edit needs the SQL to run instead');
  }
  if (approval.fourEyes && sameName(reviewer, approval.requestedBy)) {
    return refused('four-eyes', `${reviewer} requested this action and cannot also approve it in ${approval.environment}: ask another reviewer`);
  }
  if (Object.keys(reviewers).length > 0 && !reviewerEntry(reviewers, reviewer)) {
    return refused('not-a-reviewer', `${reviewer} is not a reviewer in the policy (policy reviewers): ask one of ${Object.keys(reviewers).join(', ')}`);
  }
  if (approval.roles) {
    const held = reviewerEntry(reviewers, reviewer)?.roles ?? [];
    if (!approval.roles.some((role) => held.includes(role))) {
      const has = held.length ? `has ${held.join(', ')}` : 'is not a reviewer in the policy';
      return refused(
        'reviewer-role',
        `${reviewer} may not approve ${approval.tier} actions in ${approval.environment}: it needs role ${approval.roles.join(' or ')}, and ${reviewer} ${has}`,
      );
    }
  }
  if (approval.tokenRequired) {
    if (!decision.token) {
      return refused('token-missing', `this ${approval.tier} action needs its confirmation token: run "airlock show ${approval.approvalId}" and pass --token`);
    }
    if (decision.token.trim() !== approval.confirmationToken) {
      return refused('token-mismatch', `the token does not match this action: copy it from "airlock show ${approval.approvalId}"`);
    }
  }
  if (!approval.tokenRequired && decision.token && decision.token.trim() !== approval.confirmationToken) {
    // Nobody types a token for nothing: one that matches no action here is a reviewer about to approve the wrong thing.
    return refused(
      'token-not-needed',
      `this ${approval.tier} action needs no confirmation token, and the one given is not this action's: check with "airlock show ${approval.approvalId}" that this is the action you mean, then approve it without --token`,
    );
  }
  // An edit is held to the same checks as an approval of the action it replaces;
  // the edited SQL then goes through classify and permit again.
  if (decision.type === 'edit') return ok({ outcome: 'edited', reviewer, sql: decision.editedSql! });
  return ok({ outcome: 'approved', reviewer });
}
