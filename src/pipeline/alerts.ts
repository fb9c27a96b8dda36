import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineDeps } from './deps.ts';
import { appendAudit } from '../store/audit.ts';
import { describeDatabaseError } from '../contracts/errors.ts';

/** What the webhook receives: a destructive action paused for approval, or ran. */
export interface AlertEvent {
  event: 'approval_requested' | 'executed';
  thread_id: string;
  approval_id?: string;
  environment: string;
  tier: string;
  summary: string;
  requested_by: string;
  decided_by?: string;
  rules: string[];
  at: string;
}

const ATTEMPT_TIMEOUT_MS = 2_000;
const FIRST_BACKOFF_MS = 200;

/**
 * POST the event to the policy's webhook, with retries and backoff. It never
 * throws: a failed alert is written to the audit trail and the thread goes on.
 * Built-in fetch: no extra dependency for one JSON POST.
 */
export async function sendAlert(deps: Pick<PipelineDeps, 'policy' | 'databases'>, alert: AlertEvent): Promise<void> {
  const { policy } = deps.policy;
  const webhook = policy.alerts?.webhook;
  if (!webhook) return;
  const attempts = 1 + (policy.alerts?.retries ?? 3);
  let lastError = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    try {
      const response = await fetch(webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'airlock' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = describeDatabaseError((error as { cause?: unknown }).cause ?? error);
    }
  }
  await appendAudit(deps.databases.state, {
    threadId: alert.thread_id,
    ...(alert.approval_id ? { approvalId: alert.approval_id } : {}),
    step: 'alert',
    actor: 'airlock',
    environment: alert.environment,
    outcome: 'failed',
    message: `Could not deliver the ${alert.event} alert to ${new URL(webhook).host} after ${attempts} attempts (${lastError}); the thread went on. Check the webhook in the policy file.`,
    detail: { webhook, event: alert.event },
  });
}
