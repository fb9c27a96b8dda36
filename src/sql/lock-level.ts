import type {
  AlterTableCmd,
  AlterTableStmt,
  CopyStmt,
  CreateStmt,
  DropStmt,
  IndexStmt,
  LockStmt,
  RefreshMatViewStmt,
  ReindexStmt,
  SelectStmt,
  VacuumStmt,
} from '@pgsql/types';
import { LockMode } from '../contracts/lock-mode.ts';
import { isFalse } from './statement-kinds.ts';
import type { WrappedNode } from './tree.ts';


const STRENGTH = new Map(LockMode.options.map((mode, index) => [mode, index]));

export function strongerLock(a: LockMode | null, b: LockMode | null): LockMode | null {
  if (!a) return b;
  if (!b) return a;
  return STRENGTH.get(a)! >= STRENGTH.get(b)! ? a : b;
}

/** Does `mode` block plain writes (INSERT/UPDATE/DELETE) on the table? SHARE and stronger do. */
export function blocksWrites(mode: LockMode | null): boolean {
  return mode !== null && STRENGTH.get(mode)! >= STRENGTH.get('SHARE')!;
}

// ALTER TABLE forms that take less than ACCESS EXCLUSIVE.
const ALTER_TABLE_LOCKS: Record<string, LockMode> = {
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_SetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

const LOCK_STMT_MODES: LockMode[] = [
  'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE',
];

function hasOption(options: readonly WrappedNode[] | undefined, name: string): boolean {
  return (
    Array.isArray(options) &&
    options.some((option: WrappedNode) => {
      const element = option.DefElem;
      return element?.defname === name && !isFalse(element.arg);
    })
  );
}

/** Does a CREATE TABLE declare a foreign key (in a column or as a table constraint)? */
function referencesAnotherTable(node: CreateStmt): boolean {
  const elements: readonly WrappedNode[] = node.tableElts ?? [];
  for (const element of elements) {
    if (element.Constraint?.contype === 'CONSTR_FOREIGN') return true;
    const constraints: readonly WrappedNode[] | undefined = element.ColumnDef?.constraints;
    if (constraints?.some((constraint) => constraint.Constraint?.contype === 'CONSTR_FOREIGN')) return true;
  }
  return false;
}

function alterTableLock(node: AlterTableStmt): LockMode {
  let lock: LockMode | null = null;
  const commands: readonly WrappedNode[] = node.cmds ?? [];
  for (const command of commands) {
    const cmd: AlterTableCmd = command.AlterTableCmd ?? {};
    const subtype = String(cmd.subtype);
    const def: WrappedNode | undefined = cmd.def;
    const constraint = def?.Constraint;
    const mode =
      subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN'
        ? 'SHARE ROW EXCLUSIVE'
        : (ALTER_TABLE_LOCKS[subtype] ?? 'ACCESS EXCLUSIVE');
    lock = strongerLock(lock, mode);
  }
  return lock ?? 'ACCESS EXCLUSIVE';
}

/**
 * The strongest table lock a statement takes on a table that already exists,
 * or null when it takes none worth naming (CREATE TABLE, GRANT, SET…).
 * Each case reads the node as the kind it is.
 */
export function lockFor(kind: string, node: object): LockMode | null {
  switch (kind) {
    case 'SelectStmt': {
      const select = node as SelectStmt;
      if (select.lockingClause) return 'ROW SHARE';
      return select.intoClause || select.fromClause ? 'ACCESS SHARE' : null;
    }
    case 'ExplainStmt':
    case 'CreateTableAsStmt':
    case 'ViewStmt':
      return 'ACCESS SHARE';
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return 'ROW EXCLUSIVE';
    case 'CopyStmt':
      return (node as CopyStmt).is_from ? 'ROW EXCLUSIVE' : 'ACCESS SHARE';
    case 'IndexStmt':
      return (node as IndexStmt).concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
    case 'DropStmt':
      return (node as DropStmt).concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'ReindexStmt':
      return hasOption((node as ReindexStmt).params, 'concurrently') ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
    case 'RefreshMatViewStmt':
      return (node as RefreshMatViewStmt).concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'VacuumStmt':
      return hasOption((node as VacuumStmt).options, 'full') ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE';
    case 'AlterTableStmt':
      return alterTableLock(node as AlterTableStmt);
    case 'CreateTrigStmt':
    case 'CreateStmt':
      // CREATE TABLE … REFERENCES locks the referenced table.
      if (kind === 'CreateStmt') return referencesAnotherTable(node as CreateStmt) ? 'SHARE ROW EXCLUSIVE' : null;
      return 'SHARE ROW EXCLUSIVE';
    case 'CommentStmt':
    case 'CreateStatsStmt':
      return 'SHARE UPDATE EXCLUSIVE';
    case 'LockStmt':
      return LOCK_STMT_MODES[Number((node as LockStmt).mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
    case 'TruncateStmt':
    case 'ClusterStmt':
    case 'RenameStmt':
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
    case 'RuleStmt':
      return 'ACCESS EXCLUSIVE';
    default:
      return null;
  }
}
