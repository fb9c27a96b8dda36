import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCli } from '../../src/cli/build.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The suite runs the compiled CLI, built for this run by the same build the
 * bin runs (src/cli/build.ts: one bundle, V8's code cache per command): the
 * real CLI, as its own OS process with its own argv, environment, stdin,
 * stdout, stderr and exit code. Built into a folder of its own rather than
 * the checkout's node_modules/.cache, so the suite never replaces the build a
 * developer's `airlock` is running; what it skips is only the bin's check
 * that the build is current (src/cli/airlock.js), which the README,
 * `npx airlock` and the build tests still run.
 */
export interface CliBundle {
  /** The built CLI: run it as `node FILE ARGS`. */
  file: string;
  rebuild(): Promise<void>;
  remove(): void;
}

export async function buildCliBundle(): Promise<CliBundle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-cli-'));
  // The packages left out of the bundle are found from the bundle's folder.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const rebuild = async () => {
    await buildCli(dir);
  };
  await rebuild();
  return { file: path.join(dir, 'run.cjs'), rebuild, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
