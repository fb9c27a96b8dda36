import { z } from 'zod';

/**
 * Table-level lock modes, weakest first, as in the PostgreSQL docs' table
 * "Conflicting Lock Modes" (explicit-locking.html).
 */
export const LockMode = z.enum([
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
]);
export type LockMode = z.infer<typeof LockMode>;
