import { z } from 'zod';

/** What the permit step decided, and everything the approve step needs to enforce it. Defined once, here (src/policy/permit.ts decides it). */

/**
 * Why permit blocked: the agent may not call this tool or act here
 * (`agent-permission`), the policy does not know the agent (`unknown-agent`),
 * or the environment blocks the tier (`tier-blocked`).
 */
export const PermitRefusalCode = z.enum(['agent-permission', 'unknown-agent', 'tier-blocked']);
export type PermitRefusalCode = z.infer<typeof PermitRefusalCode>;

export const Permit = z.object({
  decision: z.enum(['allow', 'approve', 'block']),
  /** The environment's entry in the policy that applied (an unknown environment gets production's). */
  policyEnvironment: z.string(),
  tokenRequired: z.boolean(),
  /** Reviewer roles that may approve; undefined: any named person. */
  roles: z.array(z.string()).optional(),
  fourEyes: z.boolean(),
  reason: z.string(),
  /** A block's check, for code that acts on it (never the reason's words). */
  code: PermitRefusalCode.optional(),
});
export type Permit = z.infer<typeof Permit>;
