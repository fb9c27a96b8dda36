import { gatherFacts } from '../tree-facts.ts';
import { alterCommands, columnConstraints, onNewTable, type Node, type Rule } from './rule.ts';

// Defaults that are evaluated once (immutable or stable functions, constants)
// are stored in the catalog since PostgreSQL 11; volatile ones rewrite the table.
const NON_VOLATILE = new Set([
  'now', 'current_timestamp', 'current_date', 'statement_timestamp', 'transaction_timestamp', 'lower', 'upper',
  'length', 'coalesce', 'to_timestamp', 'to_date', 'make_date', 'make_interval', 'jsonb_build_object', 'json_build_object',
  'jsonb_build_array', 'array', 'abs', 'round',
]);

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
        if (constraint.contype !== 'CONSTR_DEFAULT') continue;
        const volatile = [...gatherFacts(constraint.raw_expr as Node).functions].filter((name) => !NON_VOLATILE.has(name));
        if (volatile.length > 0) return { detail: `${volatile[0]}()` };
      }
    }
    return false;
  },
};
