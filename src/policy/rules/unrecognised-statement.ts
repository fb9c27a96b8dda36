import { isKnownKind } from '../../sql/statement-kinds.ts';
import type { Rule } from './rule.ts';

export const unrecognisedStatement: Rule = {
  name: 'unrecognised-statement',
  tier: 'destructive',
  message: "Airlock's policy has not reviewed this kind of statement, so a person must: if it is routine, ask for it to be added",
  check: ({ kind }) => !isKnownKind(kind) && { detail: kind },
};
