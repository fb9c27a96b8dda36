import type { Rule } from './rule.ts';

export const banDropDatabase: Rule = {
  name: 'ban-drop-database',
  kinds: new Set(['DropdbStmt']),
  tier: 'forbidden',
  message: 'DROP DATABASE is never run through Airlock: a database is dropped by a person, by hand, after a backup',
  check: ({ kind }) => kind === 'DropdbStmt',
};
