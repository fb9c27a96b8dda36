/**
 * The advisory-lock keys Airlock takes in its state database, in one place so
 * that no two uses pick the same number by accident. The numbers are fixed:
 * databases already migrated run functions that name them.
 */
export const ADVISORY_LOCKS = {
  /** Creating or migrating Airlock's schemas: one process at a time. */
  schema: 7_411_562_301,
  /** The audit trail's hash chain: each row takes the next id and the previous row's hash under it. */
  auditChain: 7_411_562_302,
  /** Granting the agent's read-only role its privileges. */
  readerGrants: 7_411_562_303,
} as const;
