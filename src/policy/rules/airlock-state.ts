import type { WrappedNode } from '../../sql/tree.ts';
import type { Rule } from './rule.ts';

/** A schema named `airlock`, or an object in it (`airlock.audit` in DROP TABLE's name lists). */
function namesAirlock(objects: readonly WrappedNode[] | undefined): boolean {
  return (objects ?? []).some((object) => {
    const items: readonly WrappedNode[] | undefined = object.List?.items;
    return object.String?.sval === 'airlock' || (items?.length === 2 && items[0]?.String?.sval === 'airlock');
  });
}

export const airlockState: Rule = {
  name: 'airlock-state',
  tier: 'forbidden',
  message: "schema airlock holds Airlock's own approvals, audit trail and ledger: it is never changed through Airlock",
  check({ kind, node, facts }) {
    if (kind === 'SelectStmt' && !node.intoClause && facts.nestedDml.length === 0) return false; // reading it is fine
    for (const table of facts.tables) if (table.startsWith('airlock.')) return true;
    // DROP SCHEMA airlock, ALTER SCHEMA airlock RENAME…: the schema itself, named as a bare string.
    if (kind === 'DropStmt') return namesAirlock(node.objects);
    if (kind === 'RenameStmt' && node.renameType === 'OBJECT_SCHEMA') return node.subname === 'airlock';
    if (kind === 'GrantStmt' && node.objtype === 'OBJECT_SCHEMA') return namesAirlock(node.objects);
    return false;
  },
};
