import { lookUpFunction } from '../target-catalogue.ts';
import { highestTier } from '../../contracts/tier.ts';
import type { Rule } from './rule.ts';

/**
 * A call is judged by the function it resolves to in the target, not by its
 * name: a user function `public.lower(text)` that deletes rows, or
 * `"Count"(1)` (quoted: not the built-in count), does what its body does.
 * Every candidate with that name and a fitting argument count on the
 * search_path counts, as PostgreSQL may pick any of them by argument type.
 * Without a lookup, a name that cannot be a built-in (another schema than
 * pg_catalog, or capitals) is at least a write.
 */
export const userDefinedFunction: Rule = {
  name: 'user-defined-function',
  tier: 'destructive',
  message:
    'this calls a function defined in the target database, not a built-in, and it is judged by what its body does (a body that deletes rows is destructive; one Airlock cannot read is a write): call the built-in you mean by its pg_catalog name, or review the function',
  check({ kind, script, facts }) {
    if (facts.functions.size === 0 && kind !== 'CallStmt') return false; // no call anywhere in this statement
    let worst: { tier: 'read' | 'write' | 'destructive' | 'forbidden'; detail: string } | undefined;
    for (const call of facts.invocations) {
      const written = `${call.schema ? `${call.schema}.` : ''}${call.name}()`;
      const candidates = lookUpFunction(script.catalogue, script.searchPath, call, call.args);
      let found: { tier: 'read' | 'write' | 'destructive' | 'forbidden'; detail: string } | undefined;
      // Created earlier in the same text: not in the target yet, but its body is right there.
      const earlier = script.createdFunctions.get(call.name);
      if (earlier && earlier.tier !== 'read') found = { tier: earlier.tier, detail: `${written} is defined above: ${earlier.detail}` };
      if (candidates) {
        for (const fn of candidates) {
          if (!fn.userDefined) continue;
          const tier = fn.verdict?.tier ?? 'write';
          if (!found || highestTier([tier, found.tier]) !== found.tier) {
            found = { tier, detail: `${written} is ${fn.schema}.${fn.name}${fn.verdict ? `: ${fn.verdict.detail}` : ''}` };
          }
        }
      } else if (!found && ((call.schema !== undefined && call.schema !== 'pg_catalog') || call.name !== call.name.toLowerCase())) {
        found = { tier: 'write', detail: `${written} cannot be a built-in, and was not looked up in the target` };
      }
      if (found && found.tier !== 'read' && (!worst || highestTier([found.tier, worst.tier]) !== worst.tier)) worst = found;
    }
    return worst && { tier: worst.tier, detail: worst.detail };
  },
};
