import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Many tests drive the real CLI in child processes against a real Postgres.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time: vitest's default on a 2-core machine is one, and a
    // CLI test spends most of its time waiting on the child it started.
    maxWorkers: 2,
  },
});
