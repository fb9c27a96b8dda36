import { z } from 'zod';

/** The agent graph's own records, defined once (src/agent/agent-state.ts builds the graph state from them). */

/** What a caller gives the agent graph (Studio renders its form from this). */
export const AgentInput = z.object({
  task: z.string().describe('the database task, in words: "remove sessions older than 30 days"'),
  environment: z.string().describe('where the agent works: production, staging, development…'),
  requestedBy: z.string().describe('the person who starts the run'),
  role: z.string().describe('the agent role in the policy (its tools and environments); it acts as agent:ROLE'),
});
export type AgentInput = z.infer<typeof AgentInput>;

/** How the line answered one tool call the model made. */
export const ToolVerdict = z.object({
  tool: z.string(),
  allowed: z.boolean(),
  /** The guardrail or permission that refused it. */
  rule: z.string().optional(),
  message: z.string().optional(),
});
export type ToolVerdict = z.infer<typeof ToolVerdict>;

/** One tool call, as the transcript and the red-team harness report it. */
export const ToolLogEntry = z.object({
  id: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  /** denied: by guard or permit; refused: by the tool's own limits; ran: it ran (a proposal's status is in `status`). */
  outcome: z.enum(['denied', 'refused', 'ran', 'error']),
  rule: z.string().optional(),
  message: z.string().optional(),
  /** propose_*: how the migration or cleanup graph answered (blocked, pending_approval, completed…). */
  status: z.string().optional(),
  approvalId: z.string().optional(),
  threadId: z.string().optional(),
});
export type ToolLogEntry = z.infer<typeof ToolLogEntry>;

export const AgentStatus = z.enum(['running', 'blocked', 'done', 'stopped']);
export type AgentStatus = z.infer<typeof AgentStatus>;
