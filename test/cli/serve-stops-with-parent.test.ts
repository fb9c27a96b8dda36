import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, cliEnv } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');


async function answers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/ok`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

async function until(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return condition();
}

describe('airlock serve stops with whatever launched it', () => {
  it('SIGTERM to `npx airlock serve` stops the server too: nothing is left listening', async () => {
    const port = await freePort();
    const npx = spawn('npx', ['airlock', 'serve', '--port', String(port)], { cwd: ROOT, env: cliEnv(), stdio: 'ignore' });
    try {
      expect(await until(() => answers(port), 60_000), 'the server never answered /ok').toBe(true);
      npx.kill('SIGTERM');
      expect(await until(async () => !(await answers(port)), 10_000), `port ${port} still answers after npx was stopped`).toBe(true);
    } finally {
      npx.kill('SIGKILL');
    }
  }, 120_000);

  it('a launcher killed outright (SIGKILL, which it cannot pass on) does not leave an orphan listening', async () => {
    const port = await freePort();
    // A parent that starts the server and then just waits, as a launcher does.
    const launcher = spawn(
      process.execPath,
      ['-e', `require('node:child_process').spawn(process.execPath, [${JSON.stringify(AIRLOCK_BIN)}, 'serve', '--port', '${port}'], { stdio: 'ignore' }); setInterval(() => {}, 1000);`],
      { env: cliEnv(), stdio: 'ignore' },
    );
    try {
      expect(await until(() => answers(port), 60_000), 'the server never answered /ok').toBe(true);
      launcher.kill('SIGKILL');
      expect(await until(async () => !(await answers(port)), 10_000), `port ${port} still answers after its parent died`).toBe(true);
    } finally {
      launcher.kill('SIGKILL');
    }
  }, 120_000);
});
