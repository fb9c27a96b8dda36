import { builtInVolatility, type FunctionCall } from '../../sql/catalogue/functions.ts';
import { gatherFacts } from '../../sql/tree-facts.ts';
import { alterCommands, columnConstraints, onNewTable, type Rule } from './rule.ts';

// Defaults that are evaluated once (immutable or stable functions, constants)
// are stored in the catalog since PostgreSQL 11; volatile ones rewrite the table.
// Volatility comes from pg_catalog itself; a function that is not a built-in may be volatile.
function isVolatile(call: FunctionCall): boolean {
  const volatility = builtInVolatility(call);
  return volatility === undefined || volatility === 'v';
}

export const addingFieldWithDefault: Rule = {
  name: 'adding-field-with-default',
  kinds: new Set(['AlterTableStmt']),
  tier: 'write',
  message: 'a column with a volatile default (random(), clock_timestamp(), gen_random_uuid()…) rewrites the whole table under an ACCESS EXCLUSIVE lock: add it without a default, backfill in batches, then set the default',
  check(statement) {
    if (statement.kind !== 'AlterTableStmt' || onNewTable(statement)) return false;
    for (const command of alterCommands(statement.node)) {
      if (command.subtype !== 'AT_AddColumn') continue;
      for (const constraint of columnConstraints(command.def)) {
        // A STORED generated column is computed for every row now: a rewrite (a VIRTUAL one is not).
        if (constraint.contype === 'CONSTR_GENERATED' && constraint.generated_kind !== 'v') return { detail: 'GENERATED … STORED' };
        if (constraint.contype !== 'CONSTR_DEFAULT') continue;
        const volatile = gatherFacts(constraint.raw_expr!).calls.find(isVolatile);
        if (volatile) return { detail: `${volatile.name}()` };
      }
    }
    return false;
  },
};
