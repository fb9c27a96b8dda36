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

/**
 * A finding as a thread's checkpoint keeps it: the rule's name and tier, and
 * its detail; its message only when it is not the rule's own (the message is
 * the rule's, looked up by name when the verdict is read back).
 */
export const StoredFinding = z.object({
  rule: z.string(),
  tier: Tier,
  message: z.string().optional(),
  detail: z.string().optional(),
});
export type StoredFinding = z.infer<typeof StoredFinding>;

/**
 * A verdict as a thread's checkpoint keeps it: what cannot be derived. Its
 * text is the statement's slice of the thread's (approved) SQL, read back by
 * parsing that SQL; its rules and reasons follow from its findings; fields at
 * their usual value are left out. Checkpoints written before this shape carry
 * the whole verdict, which reads back the same way.
 */
export const StoredVerdict = z.object({
  kind: z.string(),
  tier: Tier,
  tables: z.array(z.string()),
  filtered: z.boolean().optional(),
  lock: LockMode.nullable().optional(),
  outsideTransaction: z.boolean().optional(),
  findings: z.array(StoredFinding).optional(),
});
export type StoredVerdict = z.infer<typeof StoredVerdict>;

export const StoredClassification = Classification.extend({ statements: z.array(StoredVerdict) });
export type StoredClassification = z.infer<typeof StoredClassification>;
