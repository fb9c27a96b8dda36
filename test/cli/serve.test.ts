import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@langchain/langgraph-sdk';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli, startCli, allPending } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';

let server: ChildProcess;
let serverStderr = '';
let client: Client;
let state: pg.Pool;
let db: Sandbox;


/** Start `airlock serve` as its own process and wait for the line that says where it listens. */
async function startServer(port: number): Promise<{ child: ChildProcess; apiUrl: string; banner: string }> {
  const child = startCli(['serve', '--port', String(port)]);
  child.stderr!.on('data', (chunk) => (serverStderr += chunk));
  let stdout = '';
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((text) => text.startsWith('Airlock API on '));
      if (line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`airlock serve exited (${code}) before listening:\n${stdout}\n${serverStderr}`)));
  });
  return { child, apiUrl: banner.match(/^Airlock API on (\S+)/)![1]!, banner };
}

beforeAll(async () => {
  const started = await startServer(await freePort());
  server = started.child;
  expect(started.banner).toMatch(/^Airlock API on http:\/\/127\.0\.0\.1:\d+ \(checkpoints, approvals and audit in .+:\d+\/\w+\)$/);
  client = new Client({ apiUrl: started.apiUrl });
  state = new pg.Pool({ connectionString: inject('stateUrl'), max: 2 });
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await once(server, 'exit');
  }
  await state?.end();
});

beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.doomed (id int); INSERT INTO ${db.schema}.doomed VALUES (1), (2), (3)`);
});
afterEach(() => db.close());

interface Paused {
  threadId: string;
  interruptId: string;
  approvalId: string;
  token: string;
}

/** dev asks, through the API, to drop the sandbox's table in production; the run pauses for approval. */
async function requestDrop(): Promise<Paused> {
  const { thread_id: threadId } = await client.threads.create();
  const updates: Record<string, any>[] = [];
  for await (const chunk of client.runs.stream(threadId, 'migration', {
    input: { sql: `DROP TABLE ${db.schema}.doomed`, environment: 'production', requestedBy: 'dev' },
    streamMode: 'updates',
  })) {
    if (chunk.event === 'updates') updates.push(chunk.data as Record<string, any>);
  }
  const [interrupt] = updates.find((update) => update.__interrupt__)?.__interrupt__ ?? [];
  expect(interrupt, JSON.stringify(updates)).toBeDefined();
  const approvalId: string = interrupt.value.approvalId;
  const show = await runCli(['show', approvalId, '--json']);
  expect(show.code, show.stderr).toBe(0);
  return { threadId, interruptId: interrupt.id, approvalId, token: show.json.confirmation_token };
}

/** Answer the pause the way an SDK client does: command.resume keyed by the interrupt id. */
async function resume(paused: Paused, answer: Record<string, unknown>) {
  const values: Record<string, any>[] = [];
  for await (const chunk of client.runs.stream(paused.threadId, 'migration', {
    command: { resume: { [paused.interruptId]: { decisions: [{ type: 'approve' }], ...answer } } },
    streamMode: 'values',
  })) {
    if (chunk.event === 'values') values.push(chunk.data as Record<string, any>);
  }
  return values.at(-1);
}

/** The HTTP error an SDK call failed with: its status and the server's one-line `error`. */
async function refusalOf(call: Promise<unknown>): Promise<{ status: number; error: string; message: string }> {
  try {
    await call;
  } catch (failure) {
    const { status, text, message } = failure as { status: number; text: string; message: string };
    return { status, error: JSON.parse(text).error, message };
  }
  throw new Error('the call was expected to be refused, and it succeeded');
}

async function pendingIds(): Promise<string[]> {
  const inbox = await allPending();
  return inbox.map((approval: { approval_id: string }) => approval.approval_id);
}

/** What `airlock approve` prints for the same decision, without its `airlock: ` prefix. */
async function cliRefusal(args: string[]): Promise<string> {
  const cli = await runCli(args);
  expect(cli.code).toBe(2);
  return cli.stderr.trim().replace(/^airlock: /, '');
}

describe('airlock serve: the LangGraph API on Airlock’s own Postgres', () => {
  it('an SDK run that drops a production table pauses for approval, is checkpointed in Postgres, and runs once a reviewer approves with the token', async () => {
    const paused = await requestDrop();
    expect(await db.tableExists('doomed')).toBe(true);

    const inbox = await allPending();
    expect(inbox).toContainEqual(expect.objectContaining({ approval_id: paused.approvalId, thread_id: paused.threadId }));
    const { rows } = await state.query('SELECT count(*)::int AS n FROM airlock.checkpoints WHERE thread_id = $1', [paused.threadId]);
    expect(rows[0].n).toBeGreaterThan(0);
    // The API's own record of the thread: which graph runs on it, searchable by metadata.
    expect((await client.threads.get(paused.threadId)).metadata).toMatchObject({ graph_id: 'migration' });
    const found = await client.threads.search({ metadata: { graph_id: 'migration' }, limit: 100 });
    expect(found.map((thread) => thread.thread_id)).toContain(paused.threadId);

    const final = await resume(paused, { reviewer: 'alice', token: paused.token });
    expect(final).toMatchObject({ status: 'completed', approval: { status: 'approved', decidedBy: 'alice' } });
    expect(await db.tableExists('doomed')).toBe(false);
    expect(await pendingIds()).not.toContain(paused.approvalId);
  });

  it('a resume is refused with the CLI’s words (HTTP 403) for a wrong token or a self-approval, and a state edit cannot pass the approval; then a right approval runs', async () => {
    const paused = await requestDrop();

    const wrongToken = await refusalOf(resume(paused, { reviewer: 'alice', token: 'WRONG' }));
    expect(wrongToken.status).toBe(403);
    expect(wrongToken.message).toMatch(/^HTTP 403: .*the token does not match this action/);
    expect(wrongToken.error).toBe(await cliRefusal(['approve', paused.approvalId, '--as', 'alice', '--token', 'WRONG']));
    expect(await db.tableExists('doomed')).toBe(true);
    expect(await pendingIds()).toContain(paused.approvalId);

    const selfApproval = await refusalOf(resume(paused, { reviewer: 'dev', token: paused.token }));
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.error).toMatch(/dev requested this action and cannot also approve it in production/);
    expect(selfApproval.error).toBe(await cliRefusal(['approve', paused.approvalId, '--as', 'dev', '--token', paused.token]));
    expect(await db.tableExists('doomed')).toBe(true);
    expect(await pendingIds()).toContain(paused.approvalId);

    // Writing `approval` into the state as the approve step would skip the reviewer altogether.
    const stateEdit = await refusalOf(
      client.threads.updateState(paused.threadId, {
        values: { approval: { approvalId: paused.approvalId, status: 'approved', decidedBy: 'dev' } },
        asNode: 'approve',
      }),
    );
    expect(stateEdit.status).toBe(403);
    expect(await db.tableExists('doomed')).toBe(true);

    const final = await resume(paused, { reviewer: 'alice', token: paused.token });
    expect(final).toMatchObject({ status: 'completed', approval: { status: 'approved', decidedBy: 'alice' } });
    expect(await db.tableExists('doomed')).toBe(false);
    expect(await pendingIds()).not.toContain(paused.approvalId);
  });

  it('stops on SIGTERM: closes the server and the pools, and exits 0', async () => {
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    expect(code, serverStderr).toBe(0);
  });
});
