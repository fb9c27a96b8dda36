import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { AGENT_TOOLS } from '../../policy/agent-names.ts';
import { agentRefusal } from '../../policy/permit.ts';
import { useAirlock } from '../../runtime/airlock.ts';
import { type AgentStateValue } from '../agent-state.ts';
import { lastToolCalls } from './last-tool-calls.ts';
import { agentIdentity } from '../../policy/agent-names.ts';
import type { ToolVerdict } from '../../contracts/agent-records.ts';

/**
 * Before every tool call the guard let through: may this agent role call
 * this tool in this environment (policy `agents`)? The proposals' own graphs
 * check the same role again: nothing downstream has more than the role.
 */
export async function permitTool(state: AgentStateValue, _config: LangGraphRunnableConfig): Promise<Partial<AgentStateValue>> {
  const airlock = await useAirlock();
  const verdicts: Record<string, ToolVerdict> = {};
  for (const call of lastToolCalls(state.messages)) {
    if (state.verdicts[call.id]) continue; // the guard already refused it
    if (!AGENT_TOOLS.has(call.name)) {
      verdicts[call.id] = { tool: call.name, allowed: false, rule: 'unknown-tool', message: `there is no tool ${call.name}: the tools are ${[...AGENT_TOOLS].join(', ')}` };
      continue;
    }
    const refusal = agentRefusal(agentIdentity(state.role), call.name, state.environment, airlock.policy.policy);
    verdicts[call.id] = refusal
      ? { tool: call.name, allowed: false, rule: 'agent-permission', message: refusal.message }
      : { tool: call.name, allowed: true };
  }
  return { verdicts };
}
