import { firstMatch, normalise, type Guardrail } from './guardrail.ts';

// Text that tries to replace the agent's instructions: in a task, or hidden in a row the agent reads.
const PATTERNS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass|skip)\b[^.]{0,40}\b(previous|prior|above|earlier|all|your|the|any|these)\b[^.]{0,30}\b(instructions?|rules?|guidelines?|prompts?|directives?|constraints?|polic(y|ies)|guardrails?|safety)\b/,
  /\b(new|updated|real|actual|hidden) (system )?(instructions?|prompt|orders?)\s*:/,
  /\b(system|developer) (prompt|message|instructions?)\b.{0,30}\b(is|are|says?|reveal|print|show|repeat)\b/,
  /\b(reveal|print|show|repeat|leak)\b.{0,30}\b(system prompt|your instructions|hidden instructions)\b/,
  /<\/?(system|assistant|instructions?)>|\[\/?(inst|system)\]|<\|im_start\|>/,
  /\b(assistant|ai|agent|model)\s*(,|:)?\s*(you must|you should|you will|now) (call|run|execute|use|invoke)\b/,
  /\b(call|invoke|run|use)\s+(the\s+)?(propose_cleanup|propose_migration|run_select|execute_sql)\b.{0,60}\b(now|immediately|without|instead)\b/,
];

export const promptInjection: Guardrail = {
  name: 'prompt-injection',
  sources: ['task', 'tool-output'],
  check(text) {
    const evidence = firstMatch(normalise(text), PATTERNS);
    return evidence
      ? {
          rule: 'prompt-injection',
          message: 'the text tries to override the agent\'s instructions (prompt injection): rephrase the task as the database work you want, or remove the instruction from the data',
          evidence,
        }
      : undefined;
  },
};
