import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentBuild } from '../../src/cli/build.ts';

/**
 * The bin runs the compiled CLI, and never a stale one. Each test works on a
 * copy of the package (its sources, and a node_modules of links to the real
 * packages, with no build in it), so that building and editing there never
 * touches the checkout's own build.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let copy: string;

function runBin(args: string[]) {
  const run = spawnSync(process.execPath, [path.join(copy, 'src/cli/airlock.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', AIRLOCK_HOME: path.join(copy, '.airlock') },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const buildsOf = () => path.join(copy, 'node_modules/.cache/airlock-cli', crypto.createHash('sha256').update(copy).digest('hex').slice(0, 16));
const currentBuild = (): CurrentBuild => JSON.parse(fs.readFileSync(path.join(buildsOf(), 'current.json'), 'utf8')) as CurrentBuild;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-bin-'));
  for (const entry of ['src', 'graphs', 'tools', 'package.json', 'package-lock.json']) {
    fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  fs.mkdirSync(path.join(copy, 'node_modules'));
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === '.cache') continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(copy, 'node_modules', entry));
  }
});

afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

describe('the bin runs the compiled CLI, built again when a source changed', () => {
  it('builds on the first run when there is no build, then runs the build as it is', () => {
    const first = runBin(['--version']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(first.stderr).toBe('');
    const built = currentBuild();
    expect(built.root).toBe(copy);
    expect(built.inputs.map(([file]) => file)).toContain('src/cli/commands/check.ts');

    const again = runBin(['check', '--help']);
    expect(again.code, again.stderr).toBe(0);
    expect(currentBuild().dir).toBe(built.dir);
    // It ran the build's loader: the command's code cache is in the build's folder now.
    expect(fs.existsSync(path.join(buildsOf(), built.dir, 'cache/check.bin'))).toBe(true);
  });

  it('an edited source is built again before it runs: the edit is what runs', () => {
    const before = currentBuild().dir;
    const file = path.join(copy, 'src/cli/commands/check.ts');
    const source = fs.readFileSync(file, 'utf8');
    const description = "classify SQL without running it";
    expect(source).toContain(description);
    fs.writeFileSync(file, source.replace(description, 'classify SQL (edited after the build)'));
    const run = runBin(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('classify SQL (edited after the build)');
    expect(currentBuild().dir).not.toBe(before);
  });

  it('a build made in another checkout is not this one’s: it builds its own', () => {
    const current = currentBuild();
    fs.writeFileSync(path.join(buildsOf(), 'current.json'), JSON.stringify({ ...current, root: '/somewhere/else' }));
    const run = runBin(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(currentBuild().root).toBe(copy);
    expect(currentBuild().dir).not.toBe(current.dir);
  });
});
