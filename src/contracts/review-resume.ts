import { z } from 'zod';

/** The resume value a reviewer's answer carries (src/policy/review-decision.ts reads it; the CLI, the API and Studio send it). */

/** One decision in LangChain v1's HITL resume shape. */
export const HitlDecision = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approve'), message: z.string().optional() }),
  z.object({
    type: z.literal('edit'),
    editedAction: z.object({ name: z.string(), args: z.record(z.string(), z.unknown()) }),
  }),
  z.object({ type: z.literal('reject'), message: z.string().optional() }),
]);

/** `{ decisions: [...] }` plus Airlock's own fields: who decides, and the token they typed. */
export const ReviewResume = z.object({
  decisions: z.array(HitlDecision).min(1),
  reviewer: z.string().optional(),
  token: z.string().optional(),
});
export type ReviewResume = z.infer<typeof ReviewResume>;
