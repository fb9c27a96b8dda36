import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.ts';

/**
 * A start on a running embedded server spawns nothing. The first start of an
 * AIRLOCK_HOME may (as root it asks `id` for the postgres user, and runs
 * initdb and pg_ctl); every later one reads the server's state file, sees the
 * postmaster alive, and connects. The probe is an `id` first on PATH that
 * writes down each call before it runs the real one; as a user other than
 * root no start asks `id` at all, and the test still checks every command
 * succeeds.
 */
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-spawns-'));
const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-probe-'));
const calls = path.join(probe, 'calls.log');
fs.writeFileSync(path.join(probe, 'id'), `#!/bin/sh\necho "id $*" >> ${JSON.stringify(calls)}\nexec /usr/bin/id "$@"\n`, { mode: 0o755 });
const env = cliEnv({ AIRLOCK_HOME: home, DATABASE_URL: undefined, TARGET_DATABASE_URL: undefined, PATH: `${probe}:${process.env.PATH}` });

afterAll(async () => {
  await runCli(['db', 'stop'], { env });
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(probe, { recursive: true, force: true });
});

describe('start-up spawns no process it can avoid', () => {
  it('inbox, check, migrate and show on a running embedded server start no child process', async () => {
    const first = await runCli(['db', 'url'], { env });
    expect(first.code, first.stderr).toBe(0);
    fs.rmSync(calls, { force: true });

    const select = path.join(home, 'select.sql');
    const drop = path.join(home, 'drop.sql');
    fs.writeFileSync(select, 'SELECT 1;\n');
    fs.writeFileSync(drop, 'DROP TABLE IF EXISTS never_there;\n');
    const inbox = await runCli(['inbox', '--json'], { env });
    expect(inbox.code, inbox.stderr).toBe(0);
    const check = await runCli(['check', select, '--env', 'development'], { env });
    expect(check.code, check.stderr).toBe(0);
    const read = await runCli(['migrate', select, '--env', 'development', '--json'], { env });
    expect(read.code, read.stderr).toBe(0);
    const paused = await runCli(['migrate', drop, '--env', 'development', '--json'], { env });
    expect(paused.code, paused.stderr).toBe(3);
    const show = await runCli(['show', paused.json.approval_id], { env });
    expect(show.code, show.stderr).toBe(0);

    expect(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '').toBe('');
  });

  it('after db stop, the next command starts the server again (the quick path does not trust a stale state file)', async () => {
    expect((await runCli(['db', 'stop'], { env })).code).toBe(0);
    const inbox = await runCli(['inbox', '--json'], { env });
    expect(inbox.code, inbox.stderr).toBe(0);
    const status = await runCli(['db', 'status', '--json'], { env });
    expect(status.json.running).toBe(true);
  });
});
