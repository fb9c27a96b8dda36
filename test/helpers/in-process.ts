import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { closeAirlock } from '../../src/runtime/airlock.ts';
import { openSandbox, type Sandbox } from './database.ts';

/**
 * For tests that run graphs and nodes in this process: point Airlock at the
 * suite's database, give each test a sandbox schema made by `seed`, and close
 * the pools afterwards. Returns a getter for the current sandbox.
 */
export function inProcessAirlock(seed: (schema: string) => string): () => Sandbox {
  let db: Sandbox;
  beforeAll(() => {
    process.env.AIRLOCK_HOME = inject('airlockHome');
  });
  afterAll(() => closeAirlock());
  beforeEach(async () => {
    db = await openSandbox();
    await db.query(seed(db.schema));
  });
  afterEach(() => db.close());
  return () => db;
}
