import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';
import { buildCliBundle } from './helpers/cli-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    airlockHome: string;
    /** The database tests create their tables in: the target Airlock acts on. */
    targetUrl: string;
    /** Airlock's own state database (approvals, audit, checkpoints). */
    stateUrl: string;
    /** src/cli/main.ts bundled into one file, built for this run: what runCli starts (see helpers/cli-bundle.ts). */
    cliBundle: string;
  }
}

/**
 * One Postgres for the suite: DATABASE_URL when set, else an embedded server
 * in a fresh AIRLOCK_HOME, stopped again at the end so the runner exits clean.
 * And one build of the CLI for the suite's child processes to start.
 */
export default async function setup(project: TestProject) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-test-'));
  let startedHere = false;
  let stateUrl = process.env.DATABASE_URL;
  if (!stateUrl) {
    const server = await ensureEmbeddedPostgres(home);
    startedHere = server.startedNow;
    stateUrl = server.url;
  }
  project.provide('airlockHome', home);
  project.provide('stateUrl', stateUrl);
  project.provide('targetUrl', process.env.TARGET_DATABASE_URL || stateUrl);
  const bundle = await buildCliBundle();
  project.provide('cliBundle', bundle.file);
  // In watch mode the sources change between runs: the CLI the tests start must follow.
  project.onTestsRerun(() => bundle.rebuild());
  return async () => {
    bundle.remove();
    if (startedHere) await stopEmbeddedPostgres(home);
    fs.rmSync(home, { recursive: true, force: true });
  };
}
