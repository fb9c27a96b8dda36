import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import { badInput } from '../contracts/errors.ts';

export const DEFAULT_MODEL = 'gpt-4.1-mini';

/** Is a model configured? `OPENAI_API_KEY` (OpenAI) or `OPENAI_BASE_URL` (any OpenAI-compatible server). */
export function modelConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL);
}

export const NO_MODEL_MESSAGE =
  'no model configured: set OPENAI_API_KEY (OpenAI), or OPENAI_BASE_URL for any OpenAI-compatible server (e.g. http://127.0.0.1:11434/v1), and optionally AIRLOCK_MODEL (default gpt-4.1-mini); nothing was run';

/** The agent's chat model: `ChatOpenAI` from the environment. Any LangChain chat model with tool calling works in its place. */
export function chatModelFromEnv(env: NodeJS.ProcessEnv = process.env): BaseChatModel {
  if (!modelConfigured(env)) throw badInput(NO_MODEL_MESSAGE);
  return new ChatOpenAI({
    model: env.AIRLOCK_MODEL || DEFAULT_MODEL,
    apiKey: env.OPENAI_API_KEY || 'not-needed-for-a-local-server',
    temperature: 0,
    maxRetries: 1,
    ...(env.OPENAI_BASE_URL ? { configuration: { baseURL: env.OPENAI_BASE_URL } } : {}),
  });
}
