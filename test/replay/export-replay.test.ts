import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli, allPending } from '../helpers/cli.ts';
import { createScratchDatabase, openSandbox, type Sandbox } from '../helpers/database.ts';

let db: Sandbox;
let dir: string;
beforeEach(async () => {
  db = await openSandbox();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-export-'));
  await db.query(`CREATE TABLE ${db.schema}.orders (id int PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO ${db.schema}.orders SELECT n, n * 10 FROM generate_series(1, 40) n;`);
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A DROP TABLE in production, paused for approval, exported to a file. */
async function pausedAndExported(): Promise<{ threadId: string; approvalId: string; file: string }> {
  const sqlFile = path.join(dir, 'drop.sql');
  fs.writeFileSync(sqlFile, `DROP TABLE ${db.schema}.orders;`);
  const paused = await runCli(['migrate', sqlFile, '--env', 'production', '--as', 'dev', '--json']);
  expect(paused.code, paused.stderr).toBe(3);
  const file = path.join(dir, 'thread.json');
  const exported = await runCli(['export', paused.json.thread_id, '--output', file]);
  expect(exported.code, exported.stderr).toBe(0);
  return { threadId: paused.json.thread_id, approvalId: paused.json.approval_id, file };
}

async function stateDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: inject('stateUrl') });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'airlock_replay_%'");
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

describe('airlock export, then airlock replay', () => {
  it('exports the checkpoints, pending writes and the pending approval as versioned JSON', async () => {
    const { threadId, approvalId, file } = await pausedAndExported();
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'airlock-thread', format_version: 1, graph: 'migration', thread_id: threadId });
    expect(exported.recorded_with).toEqual({ airlock: '0.1.0', langgraph: expect.stringMatching(/^1\./), checkpoint_postgres: expect.any(String) });
    expect(exported.checkpoints.length).toBeGreaterThan(2);
    expect(exported.checkpoints.at(-1).pending_writes.map((write: any) => write.channel)).toContain('__interrupt__');
    expect(exported.approvals).toEqual([expect.objectContaining({ approval_id: approvalId, status: 'pending' })]);
    // To stdout, without --output: exactly one JSON object.
    const stdout = await runCli(['export', threadId, '--json']);
    expect(JSON.parse(stdout.stdout).checkpoints).toHaveLength(exported.checkpoints.length);
  });

  it('--decision approve and --decision reject give the outcomes the real thread then has; the live table is never touched', async () => {
    const { threadId, approvalId, file } = await pausedAndExported();
    const approve = await runCli(['replay', file, '--decision', 'approve', '--as', 'alice', '--json']);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.json).toMatchObject({
      thread_id: threadId,
      approval_id: approvalId,
      status: 'completed',
      rolled_back: true,
      statements: [{ kind: 'DropStmt', command: 'DROP', rowCount: null }],
      replay: { effects: 'rolled back', decision: 'approve', kept: false, nodes_run: ['approve', 'execute', 'verify', 'audit'] },
    });
    // Without --target the effects ran in a transaction that was rolled back: the live table is still there.
    expect(await db.count('orders')).toBe(40);
    const reject = await runCli(['replay', file, '--decision', 'reject', '--as', 'alice', '--reason', 'not today', '--json']);
    expect(reject.code, reject.stderr).toBe(0);
    expect(reject.json).toMatchObject({ status: 'rejected', reason: 'rejected by alice: not today', replay: { nodes_run: ['approve', 'audit'] } });
    // The live approval is untouched by either replay; the real decision then gives what the replay said.
    const inbox = await allPending();
    expect(inbox.map((a: any) => a.approval_id)).toContain(approvalId);
    const token = (await runCli(['show', approvalId, '--json'])).json.confirmation_token;
    const real = await runCli(['approve', approvalId, '--as', 'alice', '--token', token, '--json']);
    expect(real.code, real.stderr).toBe(0);
    const pick = (json: any) => ({ status: json.status, tier: json.tier, rules: json.rules, statements: json.statements, approval_id: json.approval_id });
    expect(pick(approve.json)).toEqual(pick(real.json));
    expect(await db.tableExists('orders')).toBe(false);
    // Each replay dropped its scratch database.
    const left = await stateDatabases();
    expect(left).not.toContain(approve.json.replay.state_database);
    expect(left).not.toContain(reject.json.replay.state_database);
  });

  it('with --target the effects are committed there, and --keep leaves a state database whose audit shows nothing before the pause ran again', async () => {
    const { file } = await pausedAndExported();
    const target = await createScratchDatabase('replay_target');
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${db.schema}; CREATE TABLE ${db.schema}.orders (id int PRIMARY KEY, total numeric);`);
      const replay = await runCli(['replay', file, '--decision', 'approve', '--as', 'alice', '--target', target.url, '--keep', '--json']);
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.json).toMatchObject({ status: 'completed', replay: { effects: 'committed', kept: true } });
      expect((await client.query(`SELECT to_regclass('${db.schema}.orders') AS t`)).rows[0].t).toBeNull();
      expect(await db.count('orders')).toBe(40);

      const kept = new URL(inject('stateUrl'));
      kept.pathname = `/${replay.json.replay.state_database}`;
      const state = new pg.Client({ connectionString: kept.toString() });
      await state.connect();
      try {
        const { rows } = await state.query('SELECT step, outcome FROM airlock.audit ORDER BY audit_id');
        const steps = rows.map((row) => row.step);
        expect(steps).toContain('execute');
        for (const before of ['classify', 'permit', 'dry-run', 'dryRun']) expect(steps).not.toContain(before);
      } finally {
        await state.end();
        const admin = new pg.Client({ connectionString: inject('stateUrl') });
        await admin.connect();
        await admin.query(`DROP DATABASE ${replay.json.replay.state_database} WITH (FORCE)`);
        await admin.end();
      }
    } finally {
      await client.end();
      await target.drop();
    }
  });

  it('refuses what it cannot replay, with one line and exit 2: another LangGraph, a damaged file, a wrong decision, a thread that is not paused', async () => {
    const { file } = await pausedAndExported();
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    const write = (name: string, value: unknown) => {
      const target = path.join(dir, name);
      fs.writeFileSync(target, typeof value === 'string' ? value : JSON.stringify(value));
      return target;
    };
    const cases: [string[], RegExp][] = [
      [[write('old.json', { ...exported, recorded_with: { ...exported.recorded_with, langgraph: '0.2.74' } }), '--decision', 'approve'], /recorded with @langchain\/langgraph 0\.2\.74.*re-record/],
      [[write('newer.json', { ...exported, recorded_with: { ...exported.recorded_with, airlock: '0.9.0' } }), '--decision', 'approve'], /recorded with Airlock 0\.9\.0/],
      [[write('format.json', { ...exported, format_version: 7 }), '--decision', 'approve'], /format version 7/],
      [[write('damaged.json', { ...exported, checkpoints: [] }), '--decision', 'approve'], /damaged at checkpoints/],
      [[write('not-json.json', '{"format": '), '--decision', 'approve'], /is not JSON/],
      [[write('other.json', { hello: 'world' })], /not an Airlock thread export/],
      [[file, '--decision', 'maybe'], /--decision must be approve or reject/],
      [[path.join(dir, 'missing.json')], /cannot read .*missing\.json \(ENOENT\)/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['replay', ...args, '--json']);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.json.error).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await db.count('orders')).toBe(40);
    // An export of a thread that already ended cannot be answered again.
    const sqlFile = path.join(dir, 'read.sql');
    fs.writeFileSync(sqlFile, `SELECT count(*) FROM ${db.schema}.orders;`);
    const read = await runCli(['migrate', sqlFile, '--env', 'production', '--as', 'dev', '--json']);
    const ended = path.join(dir, 'ended.json');
    expect((await runCli(['export', read.json.thread_id, '--output', ended])).code).toBe(0);
    const answered = await runCli(['replay', ended, '--decision', 'approve', '--json']);
    expect(answered.code).toBe(2);
    expect(answered.json.error).toMatch(/is not waiting for a decision \(it ended completed\)/);
    expect((await runCli(['export', 'mig-no-such-thread', '--json'])).code).toBe(2);
  });
});
