import type { Guardrail, GuardrailHit, TextSource } from './guardrail.ts';
import { jailbreak } from './jailbreak.ts';
import { offTopic } from './off-topic.ts';
import { promptInjection } from './prompt-injection.ts';

export type { GuardrailHit, TextSource } from './guardrail.ts';
export { maskSecrets } from './secrets.ts';

export const GUARDRAILS: readonly Guardrail[] = [promptInjection, jailbreak, offTopic];

/** Every guardrail that reads this kind of text and fires on it. Pure. */
export function checkText(text: string, source: TextSource): GuardrailHit[] {
  return GUARDRAILS.filter((guardrail) => guardrail.sources.includes(source)).flatMap((guardrail) => guardrail.check(text) ?? []);
}
