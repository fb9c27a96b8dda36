import { firstMatch, normalise, type Guardrail } from './guardrail.ts';

// Attempts to talk the agent out of its limits: role-play, "no restrictions", "DAN".
const PATTERNS: readonly RegExp[] = [
  /\b(do anything now|dan mode|developer mode|god mode|jailbreak|jailbroken)\b/,
  /\b(pretend|imagine|act as if|roleplay|role-play)\b.{0,40}\b(no|without) (rules|restrictions|limits|guardrails|filters|safety)\b/,
  /\byou (are|have) no (rules|restrictions|limits|guardrails)\b/,
  /\b(without|no need for|skip|don'?t (ask|wait) for|bypass) (any |an? |the )?(approvals?|reviewers?|review|confirmation|the airlock|airlock)\b/,
  /\b(unrestricted|uncensored|unfiltered) (mode|assistant|ai|agent)\b/,
];

export const jailbreak: Guardrail = {
  name: 'jailbreak',
  sources: ['task', 'tool-output'],
  check(text) {
    const evidence = firstMatch(normalise(text), PATTERNS);
    return evidence
      ? {
          rule: 'jailbreak',
          message: 'the text asks the agent to drop its limits or skip approval (jailbreak): every change goes through review, so ask for the change itself',
          evidence,
        }
      : undefined;
  },
};
