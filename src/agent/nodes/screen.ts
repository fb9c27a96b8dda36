import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { HumanMessage } from '@langchain/core/messages';
import { checkText } from '../../policy/guardrails/index.ts';
import { useAirlock } from '../../runtime/airlock.ts';
import { appendAudit } from '../../store/audit.ts';
import type { AgentStateValue } from '../agent-state.ts';
import { moderate } from '../moderation.ts';
import { threadIdOf } from '../../pipeline/nodes/thread-id.ts';

/**
 * The task, before any model sees it: prompt injection, jailbreak, off-topic,
 * then OpenAI moderation when a key is set. A hit ends the run, audited; no
 * request reaches the model.
 */
export async function screen(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<Partial<AgentStateValue>> {
  const airlock = await useAirlock();
  const threadId = threadIdOf(config);
  const hit = checkText(state.task, 'task')[0] ?? (await moderate(state.task));
  await appendAudit(airlock.databases.state, {
    threadId,
    step: 'agent-guard',
    actor: state.requestedBy,
    environment: state.environment,
    outcome: hit ? 'blocked' : 'passed',
    message: hit
      ? `Agent task refused in ${state.environment} (${hit.rule}): ${hit.message}. No model was called.`
      : `Agent task accepted in ${state.environment} for agent:${state.role}, started by ${state.requestedBy}.`,
    detail: { task: state.task, role: state.role, ...(hit ? { rule: hit.rule, evidence: hit.evidence } : {}) },
    eventKey: `${threadId}:agent-guard`,
  });
  if (hit) return { status: 'blocked', reason: `${hit.rule}: ${hit.message}` };
  return { status: 'running', messages: [new HumanMessage(state.task)] };
}
