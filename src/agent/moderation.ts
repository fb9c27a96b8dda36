import { moderationVerdict, type ModerationResponse } from '../policy/guardrails/moderation.ts';
import type { GuardrailHit } from '../policy/guardrails/index.ts';

/**
 * OpenAI moderation (`omni-moderation-latest`) of a text, when OPENAI_API_KEY
 * is set (against OPENAI_BASE_URL when that is set; a server without the
 * endpoint answers 404 and is skipped). Unset: skipped. A moderation service that cannot be
 * reached fails closed: the text is refused with rule `moderation-unavailable`.
 */
export async function moderate(text: string, env: NodeJS.ProcessEnv = process.env): Promise<GuardrailHit | undefined> {
  if (!env.OPENAI_API_KEY) return undefined;
  const base = (env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/$/, '');
  try {
    const response = await fetch(`${base}/moderations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.OPENAI_API_KEY}` },
      body: JSON.stringify({ model: 'omni-moderation-latest', input: text }),
      signal: AbortSignal.timeout(10_000),
    });
    // An OpenAI-compatible local server without a moderation endpoint: nothing to ask.
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return moderationVerdict((await response.json()) as ModerationResponse);
  } catch (error) {
    return {
      rule: 'moderation-unavailable',
      message: `OpenAI moderation could not be reached (${(error as Error).message}): the task was not sent to the model; try again, or unset OPENAI_API_KEY to use a local model without moderation`,
      evidence: (error as Error).message,
    };
  }
}
