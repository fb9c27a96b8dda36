import type { GuardrailHit } from './guardrail.ts';

/** The part of an OpenAI moderation response (`omni-moderation-latest`) the verdict needs. */
export interface ModerationResponse {
  results?: { flagged?: boolean; categories?: Record<string, boolean> }[];
}

/** Flagged by OpenAI moderation: the rule `moderation`, naming the categories. Pure. */
export function moderationVerdict(response: ModerationResponse): GuardrailHit | undefined {
  const flagged = (response.results ?? []).filter((result) => result.flagged);
  if (flagged.length === 0) return undefined;
  const categories = [...new Set(flagged.flatMap((result) => Object.entries(result.categories ?? {}).filter(([, on]) => on).map(([name]) => name)))];
  return {
    rule: 'moderation',
    message: `OpenAI moderation flagged the text (${categories.join(', ') || 'flagged'}): it is not sent to the model`,
    evidence: categories.join(', '),
  };
}
