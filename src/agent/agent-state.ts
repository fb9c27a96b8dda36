import { Annotation, MessagesAnnotation } from '@langchain/langgraph';
import { z } from 'zod';

/** How the line answered one tool call the model made. */
export interface ToolVerdict {
  tool: string;
  allowed: boolean;
  /** The guardrail or permission that refused it. */
  rule?: string;
  message?: string;
}

/** One tool call, as the transcript and the red-team harness report it. */
export interface ToolLogEntry {
  id: string;
  tool: string;
  args: Record<string, unknown>;
  /** denied: by guard or permit; refused: by the tool's own limits; ran: it ran (a proposal's status is in `status`). */
  outcome: 'denied' | 'refused' | 'ran' | 'error';
  rule?: string;
  message?: string;
  /** propose_*: how the migration or cleanup graph answered (blocked, pending_approval, completed…). */
  status?: string;
  approvalId?: string;
  threadId?: string;
}

const merge = <T>(a: Record<string, T>, b: Record<string, T>) => ({ ...a, ...b });
const append = <T>(a: T[], b: T[]) => [...a, ...b];

export const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  task: Annotation<string>(),
  environment: Annotation<string>(),
  /** The person who started the run. */
  requestedBy: Annotation<string>(),
  /** The agent's role in the policy: it acts as `agent:ROLE`. */
  role: Annotation<string>(),
  verdicts: Annotation<Record<string, ToolVerdict>>({ reducer: merge, default: () => ({}) }),
  toolLog: Annotation<ToolLogEntry[]>({ reducer: append, default: () => [] }),
  /** Data a tool returned tried to instruct the agent: write tools are locked for the rest of the run. */
  injectionSeen: Annotation<string | undefined>(),
  modelCalls: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  status: Annotation<'running' | 'blocked' | 'done' | 'stopped'>(),
  reason: Annotation<string | undefined>(),
});
export type AgentStateValue = typeof AgentState.State;

/** What a caller gives the agent graph (Studio renders its form from this). */
export const AgentInput = z.object({
  task: z.string().describe('the database task, in words: "remove sessions older than 30 days"'),
  environment: z.string().describe('where the agent works: production, staging, development…'),
  requestedBy: z.string().describe('the person who starts the run'),
  role: z.string().describe('the agent role in the policy (its tools and environments); it acts as agent:ROLE'),
});
export type AgentInput = z.infer<typeof AgentInput>;

export { AGENT_PREFIX, agentIdentity } from '../policy/agent-names.ts';
