import { randomUUID } from 'node:crypto';
import { agentGraph } from './migration-runner.ts';
import { useAirlock } from '../runtime/airlock.ts';
import type { AgentStateValue } from '../agent/agent-state.ts';
import type { AgentInput, AgentStatus, ToolLogEntry } from '../contracts/agent-records.ts';
import { agentIdentity } from '../policy/agent-names.ts';
import { chatModelFromEnv } from '../agent/chat-model.ts';

export type { AgentInput };

/** What one agent run came to, for the CLI, tests and the red-team harness. */
export interface AgentOutcome {
  thread_id: string;
  status: AgentStatus;
  reason?: string;
  environment: string;
  agent: string;
  answer?: string;
  tools: ToolLogEntry[];
  /** Proposals waiting for a reviewer. */
  pending_approvals: string[];
  model_calls: number;
}

export function outcomeOf(threadId: string, state: AgentStateValue): AgentOutcome {
  const last = state.messages.at(-1);
  const answer = state.status === 'done' && last && typeof last.content === 'string' ? last.content : undefined;
  return {
    thread_id: threadId,
    status: state.status ?? 'running',
    ...(state.reason ? { reason: state.reason } : {}),
    environment: state.environment,
    agent: agentIdentity(state.role),
    ...(answer ? { answer } : {}),
    tools: state.toolLog,
    pending_approvals: state.toolLog.filter((entry) => entry.status === 'pending_approval' && entry.approvalId).map((entry) => entry.approvalId!),
    model_calls: state.modelCalls,
  };
}

/** Run the agent on a task, checkpointed like every Airlock thread. Without a model configured, exit 2 before anything starts. */
export async function runAgent(input: AgentInput, threadId = `agt-${randomUUID().slice(0, 8)}`): Promise<AgentOutcome> {
  chatModelFromEnv(); // says what to set, before anything runs
  const airlock = await useAirlock();
  const graph = (await agentGraph()).compile({ checkpointer: airlock.checkpointer });
  const state = (await graph.invoke({ ...input }, { configurable: { thread_id: threadId }, recursionLimit: 100 })) as AgentStateValue;
  return outcomeOf(threadId, state);
}

/** Continue an agent thread that stopped part-way; an ended one is reported as it is. */
export async function resumeAgent(threadId: string): Promise<AgentOutcome & { resumed: boolean }> {
  const airlock = await useAirlock();
  const graph = (await agentGraph()).compile({ checkpointer: airlock.checkpointer });
  const config = { configurable: { thread_id: threadId }, recursionLimit: 100 };
  const snapshot = await graph.getState(config);
  if (snapshot.next.length === 0) return { ...outcomeOf(threadId, snapshot.values as AgentStateValue), resumed: false };
  chatModelFromEnv();
  const state = (await graph.invoke(null, config)) as AgentStateValue;
  return { ...outcomeOf(threadId, state), resumed: true };
}
