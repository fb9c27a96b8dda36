import type { BaseMessage } from '@langchain/core/messages';
import { MessagesZodMeta } from '@langchain/langgraph';
import { registry } from '@langchain/langgraph/zod';
import { z } from 'zod';
import { AgentInput, AgentStatus, ToolLogEntry, ToolVerdict } from '../contracts/agent-records.ts';

const merge = <T>(a: Record<string, T>, b: Record<string, T>) => ({ ...a, ...b });
const append = <T>(a: T[], b: T[]) => [...a, ...b];

/**
 * The agent graph's state: its input (src/contracts/agent-records.ts) plus
 * the conversation and what the line decided, in zod like the migration
 * state. The reducers say how a node's update joins what is there.
 */
export const AgentState = AgentInput.extend({
  messages: z.custom<BaseMessage[]>().register(registry, MessagesZodMeta),
  verdicts: z.record(z.string(), ToolVerdict).register(registry, { reducer: { fn: merge }, default: () => ({}) }),
  toolLog: z.array(ToolLogEntry).register(registry, { reducer: { fn: append }, default: () => [] }),
  /** Data a tool returned tried to instruct the agent: write tools are locked for the rest of the run. */
  injectionSeen: z.string().optional(),
  modelCalls: z.number().register(registry, { reducer: { fn: (a: number, b: number) => a + b }, default: () => 0 }),
  status: AgentStatus.optional(),
  reason: z.string().optional(),
});
export type AgentStateValue = z.infer<typeof AgentState>;
