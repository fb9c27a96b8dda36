import { isReadOnlyOperator, judgeFunction } from '../../sql/catalogue/functions.ts';
import type { Rule } from './rule.ts';

/**
 * A call stays a read only when PostgreSQL's own catalogue says the function
 * only computes (src/sql/catalogue/pg-functions.json, `npm run
 * catalogue:functions`). User functions, quoted look-alikes (`"Count"`),
 * functions of other schemas and volatile built-ins can change data.
 */
export const unknownFunction: Rule = {
  name: 'unknown-function',
  tier: 'write',
  message: 'this calls a function Airlock does not know to be read-only, and a function can change data: it is treated as a write',
  check({ facts, script }) {
    // Known side effects are side-effect-function's to report.
    for (const call of facts.calls) {
      if (call.schema === undefined && script.schemaBeforeCatalogue !== undefined) {
        return { detail: `${call.name}(): search_path puts ${script.schemaBeforeCatalogue} before pg_catalog, so it may not be the built-in` };
      }
      const judged = judgeFunction(call);
      if (judged.verdict === 'unknown') return { detail: `${call.schema === undefined ? '' : `${call.schema}.`}${call.name}(): ${judged.why}` };
    }
    for (const operator of facts.operators) {
      if (operator.schema === undefined && script.schemaBeforeCatalogue !== undefined) {
        return { detail: `operator ${operator.name}: search_path puts ${script.schemaBeforeCatalogue} before pg_catalog, so it may not be the built-in` };
      }
      if (!isReadOnlyOperator(operator.schema, operator.name)) {
        return { detail: `operator ${operator.schema === undefined ? '' : `${operator.schema}.`}${operator.name}: not a built-in operator` };
      }
    }
    return false;
  },
};
