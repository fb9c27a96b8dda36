import { z } from 'zod';
import { LockMode } from './lock-mode.ts';
import { Tier } from './tier.ts';

/**
 * What classify says about a text (src/policy/classify.ts makes it; `airlock
 * check --json`, the graph state and the approval request carry it).
 * Defined once, here.
 */

export const Finding = z.object({
  rule: z.string(),
  tier: Tier,
  message: z.string(),
  detail: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const StatementVerdict = z.object({
  kind: z.string(),
  tier: Tier,
  tables: z.array(z.string()),
  /** DELETE/UPDATE/SELECT: a WHERE clause that actually filters (a tautology does not). */
  filtered: z.boolean(),
  lock: LockMode.nullable(),
  /** PostgreSQL refuses to run it inside a transaction block (CONCURRENTLY, VACUUM). */
  outsideTransaction: z.boolean(),
  /** Names of the rules that fired, for the verdict, the audit trail and the README. */
  rules: z.array(z.string()),
  findings: z.array(Finding),
  /** The findings' messages, for people. */
  reasons: z.array(z.string()),
  text: z.string(),
});
export type StatementVerdict = z.infer<typeof StatementVerdict>;

/** Why a text has no verdict, for code that acts on it: bad input (does not parse, empty) or a limit (blocked). */
export const ClassificationErrorCode = z.enum(['parse-error', 'empty', 'input-limit']);
export type ClassificationErrorCode = z.infer<typeof ClassificationErrorCode>;

export const Classification = z.object({
  tier: Tier,
  statements: z.array(StatementVerdict),
  /** Set when the text does not parse: the tier is then `forbidden` (fail closed). */
  error: z.string().optional(),
  errorCode: ClassificationErrorCode.optional(),
});
export type Classification = z.infer<typeof Classification>;
