/**
 * Secrets in text the agent returns or reads: connection strings with a
 * password, password=…, password hashes (SCRAM, md5), API keys, bearer and
 * basic credentials, JWTs, private keys. They are
 * masked, not refused: the rest of the answer is still useful. Pure.
 */
const SECRET_PATTERNS: readonly [kind: string, pattern: RegExp, keep: (match: string, ...groups: string[]) => string][] = [
  // Password verifiers as pg_authid/pg_shadow hold them: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, or md5 + 32 hex digits.
  ['password-hash', /SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+/g, () => 'SCRAM-SHA-256$***'],
  ['password-hash', /\bmd5[0-9a-f]{32}\b/g, () => 'md5***'],
  ['connection-string', /\b(postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqps?):\/\/([^:\s/@]+):([^@\s]+)@/gi, (_m, scheme, user) => `${scheme}://${user}:***@`],
  ['password', /\b([a-z_]*(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token))(\s*[=:]\s*)(["']?)([^\s"',;]{4,})\3/gi, (_m, key, sep, quote) => `${key}${sep}${quote}***${quote}`],
  ['openai-key', /\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}\b/g, () => 'sk-***'],
  ['aws-key', /\bAKIA[0-9A-Z]{16}\b/g, () => 'AKIA***'],
  ['github-token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, () => 'gh_***'],
  ['bearer-token', /\b(bearer)\s+[A-Za-z0-9._~+/-]{16,}=*/gi, (_m, word) => `${word} ***`],
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, () => '-----PRIVATE KEY (masked)-----'],
  // A key cut short (a row truncated, a column limit): everything from its first line on that looks like key material.
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\s\\]*/g, () => '-----PRIVATE KEY (masked)-----'],
  // header.payload.signature, base64url; the header of every JWT starts {" (eyJ).
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, () => 'eyJ***(JWT)'],
  ['basic-auth', /\b(basic)\s+[A-Za-z0-9+/]{16,}=*/gi, (_m, word) => `${word} ***`],
];

export interface Masked {
  text: string;
  /** The kinds of secret that were masked (rule `secret-in-output`). */
  kinds: string[];
}

export function maskSecrets(text: string): Masked {
  const kinds = new Set<string>();
  let masked = text;
  for (const [kind, pattern, keep] of SECRET_PATTERNS) {
    masked = masked.replace(pattern, (...args: string[]) => {
      kinds.add(kind);
      return keep(...(args.slice(0, -2) as [string, ...string[]]));
    });
  }
  return { text: masked, kinds: [...kinds] };
}
