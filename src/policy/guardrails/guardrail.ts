/**
 * A content guardrail: like an SQL rule, it has a name a reviewer can look
 * up and a one-line message that says why the text was stopped. Pure.
 */
export interface GuardrailHit {
  rule: string;
  message: string;
  /** The words that fired, for the audit trail. */
  evidence: string;
}

/** Where the text comes from: the task a person gave, or data a tool returned (a row, a column comment). */
export type TextSource = 'task' | 'tool-output';

export interface Guardrail {
  name: string;
  /** Which texts it reads. */
  sources: readonly TextSource[];
  check(text: string): GuardrailHit | undefined;
}

/** Lower-case, accents and zero-width characters removed, whitespace collapsed: so that "Ign\u200bore  ALL" reads as "ignore all". */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f\u200b-\u200f\u2060\ufeff]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

export function firstMatch(text: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const found = pattern.exec(text);
    if (found) return found[0];
  }
  return undefined;
}
