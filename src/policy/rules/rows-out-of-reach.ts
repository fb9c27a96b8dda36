import { alterCommands, type Rule } from './rule.ts';

// Rows the application no longer sees are, to it, deleted: judged by the
// effect, whatever the statement is called.
const HIDING_COMMANDS: Record<string, string> = {
  AT_DetachPartition: 'DETACH PARTITION',
  AT_DetachPartitionFinalize: 'DETACH PARTITION … FINALIZE',
  AT_DropInherit: 'NO INHERIT',
  AT_EnableRowSecurity: 'ENABLE ROW LEVEL SECURITY',
  AT_ForceRowSecurity: 'FORCE ROW LEVEL SECURITY',
};
const MOVABLE = new Set(['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE']);

export const rowsOutOfReach: Rule = {
  name: 'rows-out-of-reach',
  kinds: new Set(['AlterTableStmt', 'AlterObjectSchemaStmt']),
  tier: 'destructive',
  message: 'this takes rows out of what the application reads (DETACH PARTITION, NO INHERIT, SET SCHEMA, row-level security): to the application they are gone, as if deleted: check who reads them, and keep the way back',
  check({ kind, node }) {
    if (kind === 'AlterObjectSchemaStmt') return MOVABLE.has(String(node.objectType)) && { detail: `SET SCHEMA ${String(node.newschema)}` };
    if (kind !== 'AlterTableStmt') return false;
    const hiding = alterCommands(node).find((command) => Object.hasOwn(HIDING_COMMANDS, command.subtype));
    return hiding !== undefined && { detail: HIDING_COMMANDS[hiding.subtype]! };
  },
};
