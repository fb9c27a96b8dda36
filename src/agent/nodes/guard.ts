import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { WRITE_TOOLS } from '../../policy/agent-names.ts';
import { checkText } from '../../policy/guardrails/index.ts';
import type { AgentStateValue } from '../agent-state.ts';
import { lastToolCalls } from './last-tool-calls.ts';
import type { ToolVerdict } from '../../contracts/agent-records.ts';

const WRITE_TOOL_NAMES: ReadonlySet<string> = new Set(WRITE_TOOLS);

/**
 * Before every tool call: content guardrails on what the model passes, and
 * after data tried to instruct the agent, no write tool for the rest of the
 * run. A refusal becomes the tool's answer to the model, not a crash.
 */
export async function guard(state: AgentStateValue, _config: LangGraphRunnableConfig): Promise<Partial<AgentStateValue>> {
  const verdicts: Record<string, ToolVerdict> = {};
  for (const call of lastToolCalls(state.messages)) {
    const hit = checkText(JSON.stringify(call.args ?? {}), 'tool-output')[0];
    if (hit) {
      verdicts[call.id] = { tool: call.name, allowed: false, rule: hit.rule, message: `${hit.message} (in the arguments of ${call.name})` };
    } else if (WRITE_TOOL_NAMES.has(call.name) && state.injectionSeen) {
      verdicts[call.id] = {
        tool: call.name,
        allowed: false,
        rule: 'indirect-injection',
        message: `write tools are locked for this run: data the agent read tried to instruct it (${state.injectionSeen}). A person should look at that data, then start a new run`,
      };
    }
  }
  return { verdicts };
}
