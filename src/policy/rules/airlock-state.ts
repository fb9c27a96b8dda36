import type { Rule } from './rule.ts';

export const airlockState: Rule = {
  name: 'airlock-state',
  tier: 'forbidden',
  message: "schema airlock holds Airlock's own approvals, audit trail and ledger: it is never changed through Airlock",
  check({ kind, node, facts }) {
    if (kind === 'SelectStmt' && !node.intoClause && facts.nestedDml.length === 0) return false; // reading it is fine
    if ([...facts.tables].some((table) => table.startsWith('airlock.'))) return true;
    if (kind === 'DropStmt' || kind === 'AlterObjectSchemaStmt' || kind === 'RenameStmt' || kind === 'GrantStmt') {
      return /"sval":"airlock"/.test(JSON.stringify(node.objects ?? node.object ?? node.subname ?? '')) || node.subname === 'airlock';
    }
    return false;
  },
};
