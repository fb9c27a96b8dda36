import type { ToolContext } from './context.ts';
import { exitCodeFor, type RunOutcome } from '../src/contracts/run-outcome.ts';

/** What the model (and the transcript) learns of a proposal: how the line answered, and what happens next. */
export function proposalSummary(outcome: RunOutcome) {
  const next: Record<string, string> = {
    pending_approval: `paused: a human reviewer must approve ${outcome.approval_id ?? ''}; nothing has changed yet. Do not retry.`,
    blocked: 'blocked: it will not run. Tell the user why; do not try to get around it.',
    completed: 'done.',
    rejected: 'a reviewer rejected it; nothing changed.',
    failed: 'it failed and was rolled back.',
  };
  return {
    thread_id: outcome.thread_id,
    status: outcome.status,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.approval_id ? { approval_id: outcome.approval_id } : {}),
    ...(outcome.status === 'blocked' ? { rule: blockingRule(outcome) } : {}),
    ...(outcome.blast_radius ? { blast_radius: { rows: outcome.blast_radius.rows, table_rows: outcome.blast_radius.table_rows, pct: outcome.blast_radius.pct, estimated: outcome.blast_radius.estimated } } : {}),
    // The exit code "airlock migrate" or "airlock cleanup" would give for the same outcome.
    exit_code: exitCodeFor(outcome),
    next: next[outcome.status] ?? outcome.status,
  };
}

/** The proposal's own thread, named after the agent's thread and the model's tool call (stable when a node re-runs). */
export function proposalThread(context: ToolContext, kind: 'mig' | 'cln', config: unknown, next: () => number): string {
  const callId = (config as { toolCall?: { id?: string } } | undefined)?.toolCall?.id;
  return `${context.threadId}-${kind}-${callId ? callId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) : next()}`;
}

/** The refusal codes a summary names as they are; other blocks are named by the rule that made the tier. */
const NAMED_BY_CODE = new Set(['blast-radius-cap', 'agent-permission']);

/** Which check stopped a blocked proposal: the cap, the agent's permission, or the first rule the classifier named. */
function blockingRule(outcome: RunOutcome): string {
  // Blocked as bad input: the text does not parse (the agent's environment is always set).
  if (outcome.bad_input) return 'parse-error';
  if (outcome.refusal_code && NAMED_BY_CODE.has(outcome.refusal_code)) return outcome.refusal_code;
  return outcome.rules?.[0] ?? 'policy';
}
