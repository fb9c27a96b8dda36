import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted model turn: tool calls, or a final answer. */
export type Turn = { toolCalls: { name: string; args: Record<string, unknown> }[] } | { content: string };

/** What the model was sent on one request (chat completions). */
export interface RecordedRequest {
  path: string;
  body: { model?: string; messages?: { role: string; content: unknown; tool_call_id?: string }[]; tools?: { function: { name: string } }[]; input?: unknown };
}

export interface ScriptedModel {
  /** The base URL for OPENAI_BASE_URL (…/v1). */
  url: string;
  requests: RecordedRequest[];
  /** Chat-completion requests only (moderation requests are in `requests` too). */
  chatRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 that answers chat
 * completions with scripted turns, in order (a function turn sees the
 * request), and moderation with "not flagged". Real `ChatOpenAI` talks to it
 * over real HTTP: tool calls, tool results and all.
 */
export async function startScriptedModel(
  turns: (Turn | ((request: RecordedRequest) => Turn))[],
  options: { flag?: (input: string) => boolean } = {},
): Promise<ScriptedModel> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  let callIds = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const recorded = { path: req.url ?? '', body };
      requests.push(recorded);
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/moderations')) {
        const flagged = options.flag?.(String(body.input ?? '')) ?? false;
        res.end(JSON.stringify({ id: 'modr-1', model: 'omni-moderation-latest', results: [{ flagged, categories: { harassment: flagged } }] }));
        return;
      }
      if (!req.url?.endsWith('/chat/completions')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { message: `no ${req.url}` } }));
        return;
      }
      const scripted = turns[next++];
      const turn = typeof scripted === 'function' ? scripted(recorded) : (scripted ?? { content: 'Done.' });
      const message =
        'toolCalls' in turn
          ? {
              role: 'assistant',
              content: null,
              tool_calls: turn.toolCalls.map((call) => ({
                id: `call_${++callIds}`,
                type: 'function',
                function: { name: call.name, arguments: JSON.stringify(call.args) },
              })),
            }
          : { role: 'assistant', content: turn.content };
      res.end(
        JSON.stringify({
          id: `chatcmpl-${next}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? 'scripted',
          choices: [{ index: 0, message, finish_reason: 'toolCalls' in turn ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((request) => request.path.endsWith('/chat/completions')),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
