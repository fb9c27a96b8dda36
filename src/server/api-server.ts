import { createEmbedServer } from '@langchain/langgraph-api/experimental/embed';
import { Hono, type Context, type Next } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { readResume } from '../policy/review-decision.ts';
import { useAirlock } from '../runtime/airlock.ts';
import { apiThreads } from './api-threads.ts';
import { AirlockError, describeDatabaseError } from '../contracts/errors.ts';
import { httpStatusFor } from './http-status.ts';
import { compiledGraph, pendingInterrupts, type GraphKind } from '../threads/migration-runner.ts';
import { loadApproval } from '../threads/load-approval.ts';
import { screenDecision } from '../threads/review.ts';

/** The graphs `airlock serve` offers, by the assistant id a client names in `runs.stream`. */
export const SERVED_GRAPHS: readonly GraphKind[] = ['migration', 'cleanup', 'agent'];

type RunRequest = {
  command?: { resume?: unknown; goto?: unknown; update?: unknown };
  checkpoint_id?: unknown;
  checkpoint?: unknown;
};

/**
 * Is `resume` a map from interrupt id to value? LangGraph's own test
 * (mapCommand in @langchain/langgraph's pregel/io.js): a non-empty object whose
 * keys are all 32-hex interrupt ids. Anything else is one bare value, which
 * answers every pending interrupt.
 */
function isResumeMap(resume: unknown): resume is Record<string, unknown> {
  if (resume === null || typeof resume !== 'object' || Array.isArray(resume)) return false;
  const keys = Object.keys(resume);
  return keys.length > 0 && keys.every((key) => /^[0-9a-f]{32}$/.test(key));
}

async function readRunRequest(c: Context): Promise<RunRequest | undefined> {
  // Hono caches the body it read, so the embed route's validator reads the same JSON again.
  const body: unknown = await c.req.json().catch(() => undefined);
  return body !== null && typeof body === 'object' ? (body as RunRequest) : undefined;
}

/**
 * A run may start a graph or answer its pause, never steer it: `command.goto`
 * and `command.update` (or a state edit) could move a thread past `approve`
 * (set `approval` and go to `execute`) without any reviewer deciding.
 */
function steeringRefusal(run: RunRequest | undefined): string | undefined {
  const command = run?.command;
  if (command?.goto !== undefined || command?.update !== undefined) {
    return 'airlock serve does not accept command.goto or command.update: a run starts a graph with input, or answers its approval with command.resume';
  }
  if (command && (run?.checkpoint_id !== undefined || run?.checkpoint !== undefined)) {
    return 'airlock serve answers a thread where it waits now: send command.resume without checkpoint_id or checkpoint';
  }
  return undefined;
}

/**
 * Why this pre-check exists: a resume the approve node refuses (a wrong token,
 * the requester approving their own action) does not fail the run; the node
 * records the refusal and asks again with a new interrupt, so an API client
 * would see its answer silently re-asked. Here the decision passes the very
 * checks `airlock approve` runs (`screenDecision`), and a refusal comes back
 * as HTTP 403 with the CLI's words. What passes goes on to the embed route,
 * whose graph's approve node checks again and decides atomically (one of
 * several racing reviewers wins), then runs the action or ends the thread.
 */
async function screenResume(c: Context, next: Next) {
  const run = await readRunRequest(c);
  const steering = steeringRefusal(run);
  if (steering) return c.json({ error: steering }, 403);
  const resume = run?.command?.resume;
  if (resume === undefined) return next();

  const threadId = c.req.param('thread_id')!;
  const pending = (await pendingInterrupts(threadId))?.interrupts ?? [];
  const keyed = isResumeMap(resume);
  for (const { id: interruptId, request } of pending) {
    const approvalId = request?.approvalId;
    if (typeof approvalId !== 'string') continue; // not an Airlock approval: the graph judges it
    const value = keyed ? resume[interruptId] : resume;
    if (value === undefined) continue; // this resume does not answer that interrupt
    const read = readResume(value);
    if (!read.ok) return c.json({ error: read.refusal.message }, 400);
    const decision = read.value;
    const reviewer = decision.reviewer?.trim();
    if (!reviewer) {
      return c.json(
        { error: `no reviewer named: put "reviewer": "NAME" in the resume value, beside "decisions" (${approvalId} is still pending; nothing was run)` },
        403,
      );
    }
    const approval = await loadApproval(approvalId);
    const screening = await screenDecision(approval, {
      type: decision.type,
      reviewer,
      ...(decision.token ? { token: decision.token } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(decision.editedSql ? { editedSql: decision.editedSql } : {}),
    });
    if (screening.kind === 'refused') return c.json({ error: screening.refusal.message }, 403);
  }
  return next();
}

const NOT_SERVED =
  'airlock serve offers threads (create, get, update, delete, search, state, history) and streamed runs ' +
  '(POST /threads/{thread_id}/runs/stream, POST /runs/stream); runs.wait, background runs, crons, store and assistants are not served';

/**
 * The LangGraph API for Airlock's graphs, on Airlock's own checkpointer and
 * approvals, served by LangChain's own route code (the experimental embed
 * server of @langchain/langgraph-api), with Airlock's checks in front of it.
 */
export async function createApiServer(): Promise<Hono> {
  const airlock = await useAirlock();
  // Effects follow, as under the CLI (runConfig): every checkpoint is written
  // before the next step starts. The embed server passes no durability of its
  // own, and a graph's config is the default for each of its runs.
  const graph = Object.fromEntries(
    await Promise.all(SERVED_GRAPHS.map(async (kind) => [kind, (await compiledGraph(kind)).withConfig({ durability: 'sync' })])),
  );
  const embedServer = createEmbedServer({ graph, checkpointer: airlock.checkpointer, threads: apiThreads(airlock.databases.state) });

  const app = new Hono();
  app.get('/ok', (c) => c.json({ ok: true }));
  // Registered before the embed routes, so they run first and pass on with next().
  app.post('/threads/:thread_id/runs/stream', screenResume);
  app.post('/runs/stream', async (c, next) => {
    const steering = steeringRefusal(await readRunRequest(c));
    return steering ? c.json({ error: steering }, 403) : next();
  });
  app.post('/threads/:thread_id/state', (c) =>
    c.json({ error: 'airlock serve does not let a client write thread state: it could pass the approval step; answer a pause with command.resume' }, 403),
  );
  app.route('/', embedServer);

  app.notFound((c) => c.json({ error: `${c.req.method} ${c.req.path} is not served: ${NOT_SERVED}` }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: error.message }, error.status);
    if (error instanceof AirlockError) return c.json({ error: error.message }, httpStatusFor(error.exitCode));
    if (process.env.AIRLOCK_DEBUG) process.stderr.write(`${error.stack}\n`);
    return c.json({ error: `unexpected error: ${describeDatabaseError(error)}` }, 500);
  });
  return app;
}
