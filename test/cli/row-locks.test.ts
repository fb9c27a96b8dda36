import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, startCli } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/database.ts';

/*
 * Issue 17, point 6: a start on a current schema takes nothing stronger than
 * ACCESS SHARE on Airlock's tables, so a long transaction holding row locks
 * (a cleanup, an operator's session) stalls no `inbox`, `show` or `approve`.
 * Before, every start ran DDL (ACCESS EXCLUSIVE): with a row lock held on
 * airlock.backups, `show` took 6.1 s instead of 1.7 s, and waited as long as
 * the lock was held.
 *
 * The state database is this file's own (DATABASE_URL for the CLI), so every
 * table in it, and every lock on them, is this file's doing. Nothing sets a
 * lock_timeout: a command that waits on a lock waits until the holder lets
 * go, which here is never, and the 10 s guard below fails the test.
 */

// What a command may take, with the locks held, before the test fails (a wait would last forever).
const HANG_GUARD_MS = 10_000;
// The bound, "within 1 s each", on each command's own process, spawn to exit: what
// the locks may add to a command is under 1 s, against the same command run just before in
// the same test with no lock held. What proves there is no wait at all is the watch on
// pg_locks (nothing of the command's waits on Airlock's tables while it runs) and the hang
// guard (a wait here lasts until the holder lets go, which is never). The bound is relative
// because the shared 2-core machine is noisy: inbox and show take 0.3-0.6 s alone and passed
// 1 s under load, approve (the action's whole work: resume, back up, execute, verify, audit)
// 0.9-1.6 s with no lock held at all.
const WITHIN_MS = 1_000;

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let env: NodeJS.ProcessEnv;
const clients: pg.Client[] = [];
type Paused = { approval_id: string; thread_id: string; token: string };
// One approval for each test that approves, and one left pending throughout.
let forShare: Paused;
let forUpdate: Paused;
let pending: Paused;
// Approved with no lock held, for the time approving takes without them.
const unlocked: Paused[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: scratch.url });
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

async function pid(client: pg.Client): Promise<number> {
  return (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
}

async function pauseDrop(table: string): Promise<Paused> {
  const paused = await runCli(['migrate', '-', '--env', 'production', '--as', 'dev', '--json'], { env, input: `DROP TABLE app.${table};` });
  expect(paused.code, paused.stderr).toBe(3);
  const show = await runCli(['show', paused.json.approval_id, '--json'], { env });
  return { approval_id: paused.json.approval_id, thread_id: paused.json.thread_id, token: show.json.confirmation_token };
}

beforeAll(async () => {
  scratch = await createScratchDatabase('airlock_row_locks');
  env = cliEnv({ DATABASE_URL: scratch.url, TARGET_DATABASE_URL: undefined, PGAPPNAME: 'airlock-under-test' });
  const setup = await connect();
  await setup.query(`CREATE SCHEMA app;
    CREATE TABLE app.done (id int); CREATE TABLE app.shared (id int); CREATE TABLE app.updated (id int); CREATE TABLE app.kept (id int);
    CREATE TABLE app.unlocked1 (id int); CREATE TABLE app.unlocked2 (id int);
    INSERT INTO app.done VALUES (1); INSERT INTO app.shared VALUES (1); INSERT INTO app.updated VALUES (1)`);
  // Real rows in Airlock's tables, by real commands: a marked environment, paused migrations
  // (checkpoints, approvals, audit), one of them approved (ledger, backups).
  expect((await runCli(['db', 'mark', 'production', '--as', 'ops', '--json'], { env })).code).toBe(0);
  const done = await pauseDrop('done');
  const approved = await runCli(['approve', done.approval_id, '--as', 'alice', '--token', done.token, '--json'], { env });
  expect(approved.json.status, approved.stderr).toBe('completed');
  forShare = await pauseDrop('shared');
  forUpdate = await pauseDrop('updated');
  pending = await pauseDrop('kept');
  unlocked.push(await pauseDrop('unlocked1'), await pauseDrop('unlocked2'));
  // airlock serve's thread records: no CLI command writes one.
  await setup.query(`INSERT INTO airlock.api_threads (thread_id, metadata) VALUES ('api-thread-1', '{"graph_id": "migration"}')`);
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => {})));
  await scratch?.drop();
});

/** Every table of Airlock's in this database, from the catalogue: schema airlock holds its own and the checkpointer's. */
async function airlockTables(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'airlock' AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

/**
 * In an open transaction of `holder`: lock the rows of every table of Airlock's
 * (`FOR SHARE` or `FOR UPDATE`), except, with `sparing`, the rows of that
 * approval and its thread (which approving it writes). Returns the rows locked per table.
 */
async function lockRows(holder: pg.Client, strength: 'FOR SHARE' | 'FOR UPDATE', sparing?: { approval_id: string; thread_id: string }) {
  await holder.query('BEGIN');
  const locked: Record<string, number> = {};
  for (const table of await airlockTables(holder)) {
    // to_jsonb(row) reads any table's thread_id or approval_id, whichever it has, without naming its columns.
    const spare = sparing ? `WHERE NOT (to_jsonb(t) @> jsonb_build_object('thread_id', $1::text) OR to_jsonb(t) @> jsonb_build_object('approval_id', $2::text))` : '';
    const { rowCount } = await holder.query(`SELECT 1 FROM ${table} t ${spare} ${strength}`, sparing ? [sparing.thread_id, sparing.approval_id] : []);
    locked[table] = rowCount ?? 0;
  }
  return locked;
}

/** The locks a backend other than `except` waits for on Airlock's tables, right now. */
async function waitingLocks(monitor: pg.Client, except: number[]): Promise<string[]> {
  const { rows } = await monitor.query<{ wait: string }>(
    `SELECT format('%s waits for %s on %I.%I', a.application_name, l.mode, n.nspname, c.relname) AS wait
       FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND n.nspname = 'airlock' AND l.pid <> ALL($1)`,
    [except],
  );
  return rows.map((row) => row.wait);
}

/**
 * Run one command as its own process, watching pg_locks from `monitor` while it
 * runs. Resolves when it exits, or after HANG_GUARD_MS with `hung` (the child is
 * then killed): what it printed, how long its process ran, what it waited for.
 */
async function runWatched(args: string[], monitor: pg.Client, except: number[]) {
  const began = process.hrtime.bigint();
  const child: ChildProcess = startCli(args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waits = new Set<string>();
  let code: number | null | 'hung' = 'hung';
  const deadline = Date.now() + HANG_GUARD_MS;
  while (Date.now() < deadline) {
    const settled = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 50))]);
    if (settled !== 'running') {
      code = settled;
      break;
    }
    for (const wait of await waitingLocks(monitor, except)) waits.add(wait);
  }
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (code === 'hung') {
    child.kill('SIGKILL');
    await exited;
  }
  return { code, ms, stdout, stderr, waits: [...waits], json: code === 0 && args.includes('--json') ? JSON.parse(stdout) : undefined };
}

/** The command, once with nothing held: its time is what the locked run is measured against. */
async function baselineOf(args: string[], monitor: pg.Client, others: number[]) {
  const run = await runWatched(args, monitor, others);
  expect(run.code, run.stderr).toBe(0);
  return run.ms;
}

/** Run the command under the locks: it succeeds, nothing of its waits in pg_locks, and it takes no longer than its baseline allows. */
async function runFreely(args: string[], monitor: pg.Client, others: number[], baselineMs: number, what: string) {
  const run = await runWatched(args, monitor, others);
  expect(run.code, `${run.stderr} ${run.waits.join('; ')}`).toBe(0);
  expect(run.waits).toEqual([]);
  expect(run.ms, `${what} took ${run.ms.toFixed(0)} ms under the locks, ${baselineMs.toFixed(0)} ms without`).toBeLessThan(baselineMs + WITHIN_MS);
  return run;
}

async function tableExists(db: pg.Client, name: string): Promise<boolean> {
  return (await db.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name])).rows[0].exists;
}

describe("a start on a current schema takes no lock that a row lock on Airlock's tables blocks", () => {
  it("every table of Airlock's has a row to lock (a table added later must get one here)", async () => {
    const db = await connect();
    const tables = await airlockTables(db);
    // The checkpointer's tables are among them: they live in schema airlock.
    expect(tables).toEqual(expect.arrayContaining(['airlock.approvals', 'airlock.audit', 'airlock.backups', 'airlock.checkpoints', 'airlock.checkpoint_blobs', 'airlock.checkpoint_writes', 'airlock.checkpoint_migrations', 'airlock.ledger', 'airlock.schema_migrations']));
    for (const table of tables) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0].n, `${table} is empty: give it a row in this file's beforeAll, so that its locks are tested`).toBeGreaterThan(0);
    }
  });

  for (const strength of ['FOR SHARE', 'FOR UPDATE'] as const) {
    it(`with the rows of every table held ${strength}, inbox, show and approve of another approval each finish right, within 1 s of their time without the locks`, async () => {
      const target = strength === 'FOR SHARE' ? forShare : forUpdate;
      const holder = await connect();
      const monitor = await connect();
      const others = [await pid(holder), await pid(monitor)];
      const free = unlocked[strength === 'FOR SHARE' ? 0 : 1]!;
      const baseline = {
        inbox: await baselineOf(['inbox', '--json'], monitor, others),
        show: await baselineOf(['show', target.approval_id, '--json'], monitor, others),
        approve: await baselineOf(['approve', free.approval_id, '--as', 'alice', '--token', free.token, '--json'], monitor, others),
      };
      // Every row but the approval's own and its thread's (approving writes those).
      const locked = await lockRows(holder, strength, target);
      try {
        for (const [table, rows] of Object.entries(locked)) expect(rows, `no row of ${table} is locked`).toBeGreaterThan(0);

        const inbox = await runFreely(['inbox', '--json'], monitor, others, baseline.inbox, 'inbox');
        expect(inbox.json.approvals.map((a: { approval_id: string }) => a.approval_id)).toEqual(expect.arrayContaining([target.approval_id, pending.approval_id]));

        const show = await runFreely(['show', target.approval_id, '--json'], monitor, others, baseline.show, 'show');
        expect(show.json).toMatchObject({ approval_id: target.approval_id, status: 'pending', sql: `DROP TABLE ${target === forShare ? 'app.shared' : 'app.updated'};` });

        const approve = await runFreely(['approve', target.approval_id, '--as', 'alice', '--token', target.token, '--json'], monitor, others, baseline.approve, 'approve');
        expect(approve.json).toMatchObject({ approval_id: target.approval_id, status: 'completed' });
      } finally {
        await holder.query('ROLLBACK');
      }
      const db = await connect();
      expect(await tableExists(db, target === forShare ? 'app.shared' : 'app.updated')).toBe(false);
    });
  }

  it('with every row held FOR UPDATE, those the commands read included, inbox and show finish with what the rows say, within 1 s of their time without', async () => {
    const holder = await connect();
    const monitor = await connect();
    const others = [await pid(holder), await pid(monitor)];
    const baseline = {
      inbox: await baselineOf(['inbox', '--json'], monitor, others),
      show: await baselineOf(['show', pending.approval_id, '--json'], monitor, others),
    };
    // The version rows a start reads, the pending approvals the inbox lists, the one show reads: all of them.
    await lockRows(holder, 'FOR UPDATE');
    try {
      const inbox = await runFreely(['inbox', '--json'], monitor, others, baseline.inbox, 'inbox');
      expect(inbox.json.approvals.map((a: { approval_id: string }) => a.approval_id)).toContain(pending.approval_id);

      const show = await runFreely(['show', pending.approval_id, '--json'], monitor, others, baseline.show, 'show');
      expect(show.json).toMatchObject({ approval_id: pending.approval_id, status: 'pending', sql: 'DROP TABLE app.kept;' });
    } finally {
      await holder.query('ROLLBACK');
    }
  });

  it('with every table held in EXCLUSIVE mode, which lets only ACCESS SHARE through, inbox and show still start and answer', async () => {
    const holder = await connect();
    const monitor = await connect();
    const probe = await connect();
    const others = [await pid(holder), await pid(monitor), await pid(probe)];
    const tables = await airlockTables(holder);
    const baseline = {
      inbox: await baselineOf(['inbox', '--json'], monitor, others),
      show: await baselineOf(['show', pending.approval_id, '--json'], monitor, others),
    };
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${tables.join(', ')} IN EXCLUSIVE MODE`);
    try {
      // The lock is what it claims: the weakest lock above ACCESS SHARE (ROW SHARE, as SELECT … FOR SHARE
      // takes) is refused on every table, and ACCESS SHARE is granted.
      for (const table of tables) {
        await probe.query('BEGIN');
        await expect(probe.query(`LOCK TABLE ${table} IN ROW SHARE MODE NOWAIT`), table).rejects.toMatchObject({ code: '55P03' });
        await probe.query('ROLLBACK');
        await probe.query('BEGIN');
        await probe.query(`LOCK TABLE ${table} IN ACCESS SHARE MODE NOWAIT`);
        await probe.query('ROLLBACK');
      }

      const inbox = await runFreely(['inbox', '--json'], monitor, others, baseline.inbox, 'inbox');
      expect(inbox.json.approvals.map((a: { approval_id: string }) => a.approval_id)).toContain(pending.approval_id);

      const show = await runFreely(['show', pending.approval_id, '--json'], monitor, others, baseline.show, 'show');
      expect(show.json).toMatchObject({ approval_id: pending.approval_id, status: 'pending' });
    } finally {
      await holder.query('ROLLBACK');
    }
  });

  it('the watch sees a wait when there is one: a start one migration behind waits on the row locks until they go, then migrates', async () => {
    const holder = await connect();
    const monitor = await connect();
    const others = [await pid(holder), await pid(monitor)];
    // As a database before state migration 7: the old index, and no version row for it.
    await holder.query(`DROP INDEX airlock.approvals_inbox_idx;
      CREATE INDEX approvals_pending_idx ON airlock.approvals (requested_at) WHERE status = 'pending';
      DELETE FROM airlock.schema_migrations WHERE version = 7`);
    await lockRows(holder, 'FOR SHARE');
    const child = startCli(['inbox', '--json'], { env });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let waits: string[] = [];
    try {
      for (const deadline = Date.now() + HANG_GUARD_MS; waits.length === 0 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        waits = await waitingLocks(monitor, others);
      }
      // Migration 7's DROP INDEX takes ACCESS EXCLUSIVE on the table, which the row locks' ROW SHARE blocks.
      expect(waits).toContain('airlock-under-test waits for AccessExclusiveLock on airlock.approvals');
    } finally {
      await holder.query('ROLLBACK');
    }
    expect(await exited, stderr).toBe(0);
    expect((await monitor.query('SELECT count(*)::int AS n FROM airlock.schema_migrations WHERE version = 7')).rows[0].n).toBe(1);
    expect(await tableExists(monitor, 'airlock.approvals_inbox_idx')).toBe(true);
  });
});
