import type { CreateStmt } from '@pgsql/types';
import { blocksWrites, lockFor } from '../../sql/lock-level.ts';
import type { StatementNode, WrappedNode } from '../../sql/tree.ts';
import { columnConstraints, onNewTable, type Rule } from './rule.ts';

// As squawk judges it (analyze::possibly_slow_stmt): every schema change waits
// for its lock, whatever the mode, and whatever queues behind it waits too.
// Row changes, reads, settings and session statements are not schema changes.
const NOT_SCHEMA_CHANGES = new Set([
  'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'VariableSetStmt', 'VariableShowStmt',
  'TransactionStmt', 'DoStmt', 'CallStmt', 'ExplainStmt', 'PrepareStmt', 'ExecuteStmt', 'DeallocateStmt', 'GrantStmt',
  'GrantRoleStmt', 'NotifyStmt', 'ListenStmt', 'UnlistenStmt', 'DiscardStmt', 'CheckPointStmt', 'DeclareCursorStmt',
  'FetchStmt', 'ClosePortalStmt', 'ConstraintsSetStmt',
]);

function hasForeignKey(node: CreateStmt): boolean {
  return (node.tableElts ?? []).some(
    (element: WrappedNode) =>
      element.Constraint?.contype === 'CONSTR_FOREIGN' ||
      columnConstraints(element.ColumnDef ? { ColumnDef: element.ColumnDef } : undefined).some((constraint) => constraint.contype === 'CONSTR_FOREIGN'),
  );
}

function waitsForALock({ kind, node }: StatementNode): boolean {
  if (NOT_SCHEMA_CHANGES.has(kind)) return false;
  // A new table locks nothing anyone uses, unless it references one (its foreign key locks that table).
  if (kind === 'CreateStmt') return hasForeignKey(node);
  // ANALYZE is not a schema change; VACUUM is.
  if (kind === 'VacuumStmt') return node.is_vacuumcmd !== false;
  return true;
}

export const requireTimeoutSettings: Rule = {
  name: 'require-timeout-settings',
  tier: 'write',
  message: 'this schema change waits for its lock, and everything queues behind it while it waits (a lock that blocks writes blocks them all that time): set lock_timeout and statement_timeout first (Airlock applies AIRLOCK_LOCK_TIMEOUT, default 5s, when you do not)',
  check: (statement) =>
    !statement.nested &&
    (waitsForALock(statement) || blocksWrites(lockFor(statement.kind, statement.node))) &&
    !onNewTable(statement) &&
    !(statement.script.lockTimeoutSet && statement.script.statementTimeoutSet),
};
