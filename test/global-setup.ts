import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/runtime/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    airlockHome: string;
    /** The database tests create their tables in: the target Airlock acts on. */
    targetUrl: string;
  }
}

/**
 * One Postgres for the suite: DATABASE_URL when set, else an embedded server
 * in a fresh AIRLOCK_HOME, stopped again at the end so the runner exits clean.
 */
export default async function setup(project: TestProject) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-test-'));
  let startedHere = false;
  let targetUrl = process.env.TARGET_DATABASE_URL || process.env.DATABASE_URL;
  if (!targetUrl) {
    const server = await ensureEmbeddedPostgres(home);
    startedHere = server.startedNow;
    targetUrl = server.url;
  }
  project.provide('airlockHome', home);
  project.provide('targetUrl', targetUrl);
  return async () => {
    if (startedHere) await stopEmbeddedPostgres(home);
    fs.rmSync(home, { recursive: true, force: true });
  };
}
