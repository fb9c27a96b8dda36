import type { StatementVerdict } from './classify.ts';

// Statements that destroy rows or objects a backup can hold: the rows a DELETE
// removes, the values an UPDATE overwrites, a TRUNCATEd or DROPped table, a
// dropped or retyped column.
const DESTROYING_KINDS = new Set(['DeleteStmt', 'UpdateStmt', 'TruncateStmt', 'DropStmt', 'AlterTableStmt', 'MergeStmt']);

/**
 * The tables to copy aside before a destructive migration runs, so that what
 * it destroys can be restored. Pure: from the classification alone.
 */
export function tablesToBackUp(statements: StatementVerdict[]): string[] {
  const tables = new Set<string>();
  for (const statement of statements) {
    if (statement.tier !== 'destructive' || !DESTROYING_KINDS.has(statement.kind)) continue;
    for (const table of statement.tables) tables.add(table);
  }
  return [...tables];
}

/** The columns an ALTER TABLE drops: `{ table, column }`, the table schema-qualified as the classifier names it. */
export function droppedColumns(statement: Pick<StatementVerdict, 'kind' | 'tables'>, node: Record<string, unknown> | undefined): { table: string; column: string }[] {
  if (statement.kind !== 'AlterTableStmt' || !node || statement.tables.length !== 1) return [];
  const cmds = (node.cmds ?? []) as { AlterTableCmd?: { subtype?: string; name?: string } }[];
  return cmds.flatMap((cmd) =>
    cmd.AlterTableCmd?.subtype === 'AT_DropColumn' && cmd.AlterTableCmd.name ? [{ table: statement.tables[0]!, column: cmd.AlterTableCmd.name }] : [],
  );
}
