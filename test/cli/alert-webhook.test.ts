import http from 'node:http';
import pg from 'pg';
import { inject } from 'vitest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { openSandbox, type Sandbox } from '../helpers/database.ts';
import { STRICT_POLICY, writePolicy } from '../helpers/policy-file.ts';

// A real HTTP server standing in for the team's alerting endpoint. It fails
// the first attempt of every event, to prove the retries.
const received: Record<string, any>[] = [];
const attempts = new Map<string, number>();
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const event = JSON.parse(body);
      const key = `${event.event}:${event.thread_id}`;
      const seen = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, seen);
      if (seen === 1) {
        response.writeHead(503).end('try again');
        return;
      }
      received.push(event);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/airlock`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let db: Sandbox;
beforeEach(async () => {
  db = await openSandbox();
  await db.query(`CREATE TABLE ${db.schema}.t (id int)`);
});
afterEach(() => db.close());

describe('the alert webhook', () => {
  it('receives a destructive action’s pause and its execution, with retries', async () => {
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, alerts: { webhook: url, retries: 2 } }) });
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TABLE ${db.schema}.t;`, env });
    expect(paused.code, paused.stderr).toBe(3);
    const pause = received.find((event) => event.thread_id === paused.json.thread_id && event.event === 'approval_requested');
    expect(pause).toMatchObject({ approval_id: paused.json.approval_id, environment: 'production', tier: 'destructive', requested_by: 'dev' });
    expect(pause!.rules).toContain('ban-drop-table');
    expect(attempts.get(`approval_requested:${paused.json.thread_id}`)).toBe(2);

    const token = (await runCli(['show', paused.json.approval_id, '--json'], { env })).json.confirmation_token;
    const approved = await runCli(['approve', paused.json.approval_id, '--as', 'alice', '--token', token, '--json'], { env });
    expect(approved.code, approved.stderr).toBe(0);
    expect(received.find((event) => event.thread_id === paused.json.thread_id && event.event === 'executed')).toMatchObject({
      decided_by: 'alice',
      tier: 'destructive',
    });
  });

  it('an unreachable webhook never stops the thread: the failure is audited', async () => {
    const env = cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, alerts: { webhook: 'http://127.0.0.1:1/nowhere', retries: 1 } }) });
    const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TABLE ${db.schema}.t;`, env });
    expect(paused.code, paused.stderr).toBe(3);
    const history = await runCli(['history', paused.json.thread_id, '--json'], { env });
    const failure = history.json.audit.find((entry: any) => entry.step === 'alert');
    expect(failure).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/Could not deliver the approval_requested alert .* after 2 attempts/) });
  });

  it('goes out after the pause has committed: an endpoint that looks the approval up finds it and its audit entry', async () => {
    // The endpoint reads Airlock's state from a connection of its own: it sees only what is committed.
    const state = new pg.Client({ connectionString: inject('stateUrl') });
    await state.connect();
    const seen: { approval: number; entry: number }[] = [];
    const lookup = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', async () => {
        const event = JSON.parse(body);
        const approval = await state.query('SELECT 1 FROM airlock.approvals WHERE approval_id = $1', [event.approval_id]);
        const entry = await state.query("SELECT 1 FROM airlock.audit WHERE approval_id = $1 AND step = 'approve' AND outcome = 'pending_approval'", [event.approval_id]);
        seen.push({ approval: approval.rowCount ?? 0, entry: entry.rowCount ?? 0 });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => lookup.listen(0, '127.0.0.1', resolve));
    try {
      const hook = `http://127.0.0.1:${(lookup.address() as { port: number }).port}/hooks/airlock`;
      const env = cliEnv({ AIRLOCK_POLICY: writePolicy({ ...STRICT_POLICY, alerts: { webhook: hook, retries: 0 } }) });
      const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { input: `DROP TABLE ${db.schema}.t;`, env });
      expect(paused.code, paused.stderr).toBe(3);
      expect(seen).toEqual([{ approval: 1, entry: 1 }]);
    } finally {
      await new Promise<void>((resolve) => lookup.close(() => resolve()));
      await state.end();
    }
  });
});
