import type { CopyStmt, DropStmt, IndexStmt, ReindexStmt } from '@pgsql/types';
import type { Tier } from '../contracts/tier.ts';
import type { Fields, WrappedNode } from './tree.ts';

/**
 * The tier a statement kind starts from, before any rule looks at it. Rules
 * only ever raise it. A kind in neither list is unreviewed, and the
 * `unrecognised-statement` rule makes it destructive.
 */
const READ_KINDS = new Set(['SelectStmt', 'ExplainStmt', 'VariableShowStmt', 'PrepareStmt', 'DeallocateStmt']);

const WRITE_KINDS = new Set([
  'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CreateStmt', 'CreateTableAsStmt', 'IndexStmt', 'ViewStmt',
  'CreateSeqStmt', 'AlterSeqStmt', 'CreateSchemaStmt', 'CommentStmt', 'CreateFunctionStmt', 'AlterFunctionStmt',
  'CreateTrigStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'CompositeTypeStmt', 'CreateDomainStmt', 'AlterDomainStmt',
  'CreateExtensionStmt', 'AlterExtensionStmt', 'DefineStmt', 'CreateRangeStmt', 'CreateCastStmt', 'RuleStmt',
  'VacuumStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'CreatePolicyStmt', 'AlterPolicyStmt',
  'CreateStatsStmt', 'LockStmt', 'VariableSetStmt', 'NotifyStmt', 'ListenStmt', 'UnlistenStmt', 'CheckPointStmt',
  'DiscardStmt', 'ConstraintsSetStmt', 'AlterTableStmt', 'AlterObjectSchemaStmt', 'DropStmt', 'TruncateStmt',
  'RenameStmt', 'DoStmt', 'ExecuteStmt', 'CopyStmt', 'CreatedbStmt', 'CallStmt',
  // Raised by their rules: privilege-change, transaction-control, ban-drop-database.
  'GrantStmt', 'GrantRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'CreateRoleStmt', 'DropRoleStmt',
  'AlterDefaultPrivilegesStmt', 'ReassignOwnedStmt', 'DropOwnedStmt', 'AlterOwnerStmt', 'AlterSystemStmt',
  'TransactionStmt', 'DropdbStmt',
]);

/**
 * Node kinds a statement of a read kind may contain and still be a read: the
 * parts of a query that only compute (expressions, joins, subqueries, CTEs that
 * select). Anything else in the tree (a locking clause, INTO, a DEFAULT, a
 * node kind added in a later PostgreSQL) makes it at least a write
 * (rule read-allow-list). Function calls and operators are judged separately,
 * against PostgreSQL's catalogue (unknown-function, side-effect-function).
 */
export const READ_NODE_KINDS: ReadonlySet<string> = new Set([
  // values and names
  'Integer', 'Float', 'Boolean', 'String', 'BitString', 'List', 'A_Const', 'A_Star', 'ColumnRef', 'ParamRef', 'Alias',
  'TypeName', 'TypeCast', 'CollateClause', 'A_Indices', 'A_Indirection', 'A_ArrayExpr', 'RowExpr', 'NamedArgExpr',
  // expressions
  'A_Expr', 'BoolExpr', 'NullTest', 'BooleanTest', 'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'SQLValueFunction',
  'SubLink', 'FuncCall', 'GroupingFunc', 'GroupingSet', 'XmlExpr', 'XmlSerialize',
  'JsonFormat', 'JsonReturning', 'JsonValueExpr', 'JsonIsPredicate', 'JsonBehavior', 'JsonOutput', 'JsonArgument', 'JsonFuncExpr',
  'JsonTablePathSpec', 'JsonTable', 'JsonTableColumn', 'JsonKeyValue', 'JsonParseExpr', 'JsonScalarExpr', 'JsonSerializeExpr',
  'JsonObjectConstructor', 'JsonArrayConstructor', 'JsonArrayQueryConstructor', 'JsonAggConstructor', 'JsonObjectAgg', 'JsonArrayAgg',
  // the query's shape
  'SelectStmt', 'ResTarget', 'RangeVar', 'JoinExpr', 'RangeSubselect', 'RangeFunction', 'RangeTableFunc', 'RangeTableFuncCol',
  'RangeTableSample', 'SortBy', 'WindowDef', 'WithClause', 'CommonTableExpr', 'CTESearchClause', 'CTECycleClause',
  // options of EXPLAIN and COPY … TO STDOUT
  'DefElem',
]);

export function isKnownKind(kind: string): boolean {
  return READ_KINDS.has(kind) || WRITE_KINDS.has(kind);
}

export function baselineTier(kind: string, node: Fields): Tier {
  if (kind === 'CopyStmt') return (node as CopyStmt).is_from ? 'write' : 'read';
  return READ_KINDS.has(kind) ? 'read' : 'write';
}

/** An option's argument that turns it off: `(CONCURRENTLY false)`, `off`, `0`. */
export function isFalse(value: WrappedNode | undefined): boolean {
  if (!value) return false;
  if (value.Boolean) return !value.Boolean.boolval;
  if (value.String) return ['false', 'off', 'no', '0'].includes(String(value.String.sval).toLowerCase());
  if (value.Integer) return !value.Integer.ival;
  return false;
}

/**
 * Statements PostgreSQL refuses to run inside a transaction block
 * (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM). Airlock runs
 * one only as a migration of its own.
 */
export function cannotRunInTransaction(kind: string, node: object): boolean {
  if (kind === 'IndexStmt' || kind === 'DropStmt') return Boolean((node as IndexStmt | DropStmt).concurrent);
  if (kind === 'ReindexStmt') {
    const params: readonly WrappedNode[] = (node as ReindexStmt).params ?? [];
    return params.some((param) => param.DefElem?.defname === 'concurrently' && !isFalse(param.DefElem.arg));
  }
  return kind === 'VacuumStmt';
}

/** Kinds in which a data-modifying statement nested in a CTE runs when the statement runs. */
export const RUNS_NESTED_DML: ReadonlySet<string> = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'CreateTableAsStmt']);
