import { afterAll, beforeAll, inject } from 'vitest';
import { BUILT_IN_POLICY, type Policy } from '../../src/policy/policy-file.ts';
import type { Clock } from '../../src/policy/clock.ts';
import { describeUrl, openPool } from '../../src/runtime/database.ts';
import { ensureLedgerSchema, migrateStateSchema } from '../../src/store/schema.ts';
import type { PipelineDeps } from '../../src/pipeline/deps.ts';

/** A clock a test sets by hand: reads `now`, moves when told to. */
export interface HandClock {
  clock: Clock;
  set(at: Date): void;
  advanceHours(hours: number): void;
}

export function handClock(start = new Date()): HandClock {
  let now = start;
  return {
    clock: () => new Date(now.getTime()),
    set: (at) => {
      now = at;
    },
    advanceHours: (hours) => {
      now = new Date(now.getTime() + hours * 3_600_000);
    },
  };
}

/**
 * The pipeline's deps made by hand for a test: the suite's real Postgres
 * (state and target), the built-in policy unless given, and a clock the test
 * moves itself. No useAirlock(), no checkpointer: the test compiles the graph
 * with the one it wants. Returns a getter; the pools close after the file.
 */
export function handMadeDeps(options: { policy?: Policy; clock?: HandClock } = {}): () => PipelineDeps {
  let deps: PipelineDeps | undefined;
  beforeAll(async () => {
    const stateUrl = inject('stateUrl');
    const targetUrl = inject('targetUrl');
    const state = openPool(stateUrl);
    const target = targetUrl === stateUrl ? state : openPool(targetUrl);
    await migrateStateSchema(state);
    if (target !== state) await ensureLedgerSchema(target);
    deps = {
      databases: { state, target, targetUrl, targetIdentity: describeUrl(targetUrl) },
      policy: { policy: options.policy ?? BUILT_IN_POLICY, source: 'built-in' },
      clock: (options.clock ?? handClock()).clock,
      settings: { lockTimeout: '5s', statementTimeout: '1min' },
    };
  });
  afterAll(async () => {
    if (!deps) return;
    const pools = new Set([deps.databases.state, deps.databases.target]);
    await Promise.all([...pools].map((pool) => pool.end()));
  });
  return () => {
    if (!deps) throw new Error('handMadeDeps() is read inside a test, after beforeAll');
    return deps;
  };
}
