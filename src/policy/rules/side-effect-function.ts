import { judgeFunction } from '../../sql/catalogue/functions.ts';
import type { Rule } from './rule.ts';

// The curated deny-list lives with the catalogue (src/sql/catalogue/functions.ts):
// functions that end sessions, unlink large objects, read server files, take
// advisory locks, consume sequences, reach other servers or run SQL given as a
// string — and a read-only transaction does not stop them.
export const sideEffectFunction: Rule = {
  name: 'side-effect-function',
  tier: 'destructive',
  message: 'this calls a function that acts outside the query (ends sessions, unlinks large objects, drops replication slots, reads server files, reaches other servers): run it by hand, deliberately',
  check({ facts }) {
    for (const call of facts.calls) {
      const judged = judgeFunction(call);
      if (judged.verdict === 'side-effect') return { detail: `${call.name}()` };
    }
    return false;
  },
};
