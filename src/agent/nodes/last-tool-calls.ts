import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';

/** The tool calls of the model's last message, each with an id. */
export function lastToolCalls(messages: BaseMessage[]): (ToolCall & { id: string })[] {
  const last = messages.at(-1);
  if (!last || !AIMessage.isInstance(last)) return [];
  return (last.tool_calls ?? []).map((call, index) => ({ ...call, id: call.id ?? `call_${messages.length}_${index}` }));
}
