import { triggerFunction } from '../../sql/definitions.ts';
import { lookUpFunction } from '../target-catalogue.ts';
import type { Rule } from './rule.ts';

/**
 * A trigger runs its function on every matching change (or DDL command, for
 * an event trigger) from now on, and nobody reviews those runs: the trigger
 * is judged by the function's body, found earlier in the same text or, in
 * the target database, by the classify step's catalogue lookup.
 */
export const triggerFunctionBody: Rule = {
  name: 'trigger-function-body',
  kinds: new Set(['CreateTrigStmt', 'CreateEventTrigStmt']),
  tier: 'destructive',
  message:
    "a trigger runs its function on every matching change from now on, unseen by whoever makes them: it is judged by what the function's body does (one that deletes rows is destructive); review the function, or do the work in the migration itself",
  check({ kind, node, script }) {
    const fn = triggerFunction(kind, node);
    if (!fn) return false;
    const inScript = script.createdFunctions.get(fn.name);
    const verdicts = inScript
      ? [inScript]
      : (lookUpFunction(script.catalogue, script.searchPath, fn, 0) ?? []).filter((found) => found.userDefined).flatMap((found) => (found.verdict ? [found.verdict] : []));
    const worst = verdicts.find((verdict) => verdict.tier === 'destructive') ?? verdicts.find((verdict) => verdict.tier === 'forbidden') ?? verdicts.find((verdict) => verdict.tier === 'write');
    if (!worst) return false;
    const where = inScript ? 'defined above' : `in ${script.catalogue?.target ?? 'the target'}`;
    return { tier: worst.tier, detail: `${fn.schema ? `${fn.schema}.` : ''}${fn.name}() ${where}: ${worst.detail}` };
  },
};
