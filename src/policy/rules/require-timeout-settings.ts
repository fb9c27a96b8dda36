import { blocksWrites, lockFor } from '../lock-level.ts';
import { onNewTable, type Rule } from './rule.ts';

export const requireTimeoutSettings: Rule = {
  name: 'require-timeout-settings',
  tier: 'write',
  message: 'this statement waits for a lock that blocks writes, and everything queues behind it while it waits: set lock_timeout and statement_timeout first (Airlock applies AIRLOCK_LOCK_TIMEOUT, default 5s, when you do not)',
  check: (statement) =>
    !statement.nested &&
    blocksWrites(lockFor(statement.kind, statement.node)) &&
    !onNewTable(statement) &&
    !(statement.script.lockTimeoutSet && statement.script.statementTimeoutSet),
};
