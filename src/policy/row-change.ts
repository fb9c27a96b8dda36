import type { DeleteStmt, InsertStmt, MergeMatchKind, MergeStmt, MergeWhenClause, RangeVar, UpdateStmt, WithClause } from '@pgsql/types';
import { statementSql } from '../sql/deparse.ts';
import type { ParsedStatement } from '../sql/parse-sql.ts';
import { quoteIdentifier as quote } from '../sql/names.ts';
import { ok, refused, type Result } from '../contracts/result.ts';
import type { WrappedNode } from '../sql/tree.ts';

/**
 * Every statement that changes existing rows, as the read-only queries that
 * measure it (issue 14, holes 2 and 5): DELETE and UPDATE (with USING/FROM),
 * MERGE arm by arm (rows each WHEN clause deletes, updates or inserts), and
 * INSERT … ON CONFLICT DO UPDATE (the rows that conflict, and are overwritten).
 *
 * The queries are built from the statement's parse tree and turned back into
 * SQL with the deparser, never cut from the user's text. Pure; needs the
 * parser loaded.
 */

// Trees built here by hand, untyped: statementSql checks each against the shape the parser gives.
type Node = Record<string, unknown>;
export type ChangeAction = 'delete' | 'update' | 'insert';

export type { RangeVar };

/** One way a statement changes rows: a SELECT giving one row per row it changes (once each). */
export interface ChangeArm {
  action: ChangeAction;
  /** For people: `WHEN MATCHED AND … THEN DELETE` (MERGE), `ON CONFLICT DO UPDATE`… */
  label: string;
  /** The SELECT of the rows, for EXPLAIN's estimate. */
  matching: string;
  /** `SELECT count(*) AS rows FROM (matching)`. */
  count: string;
}

export interface RowChange {
  kind: string;
  /** `schema.name` as written (unqualified: `name`), for messages. */
  name: string;
  /** The table as SQL, resolved by the search_path like the statement itself. */
  table: string;
  relation: RangeVar;
  arms: ChangeArm[];
  /** `SELECT count(*) AS rows FROM table`. */
  tableRows: string;
  /**
   * One scan for both figures, where the statement's rows are the table's
   * rows that pass its filter (DELETE/UPDATE without USING/FROM):
   * `SELECT count(*) FILTER (WHERE filter) AS rows, count(*) AS table_rows FROM table`.
   * Undefined for joins, MERGE and upserts: their arms are counted on their own.
   */
  oneScan?: string;
  /** `SELECT 1 FROM table`, for EXPLAIN's estimate of the table's size. */
  tableScan: string;
  /** A few of the existing rows it changes (or, for MERGE, that its join matches). */
  sample: string;
}

/** Why a change cannot be measured is the dry-run's `blast-radius-unmeasured`: the same check, refusing earlier. */
export const BLAST_RADIUS_UNMEASURED = 'blast-radius-unmeasured';
export type RowChangeOutcome = Result<RowChange, typeof BLAST_RADIUS_UNMEASURED>;

// ---- small tree builders ----

const name = (sval: string) => ({ String: { sval } });
const columnRef = (...parts: string[]): Node => ({ ColumnRef: { fields: parts.map((part) => (part === '*' ? { A_Star: {} } : name(part))) } });
const constant = (ival: number): Node => ({ A_Const: { ival: ival === 0 ? {} : { ival } } });
const target = (val: Node, as?: string): Node => ({ ResTarget: { ...(as ? { name: as } : {}), val } });
const countStar: Node = { FuncCall: { funcname: [name('count')], agg_star: true, funcformat: 'COERCE_EXPLICIT_CALL' } };
const countWhere = (filter: Node): Node => ({ FuncCall: { funcname: [name('count')], agg_star: true, agg_filter: filter, funcformat: 'COERCE_EXPLICIT_CALL' } });

function and(...parts: (Node | undefined)[]): Node | undefined {
  const present = parts.filter((part): part is Node => part !== undefined);
  if (present.length <= 1) return present[0];
  return { BoolExpr: { boolop: 'AND_EXPR', args: present } };
}
const not = (arg: Node): Node => ({ BoolExpr: { boolop: 'NOT_EXPR', args: [arg] } });
const isTrue = (arg: Node): Node => ({ BooleanTest: { arg, booltesttype: 'IS_TRUE' } });
const isNotTrue = (arg: Node): Node => ({ BooleanTest: { arg, booltesttype: 'IS_NOT_TRUE' } });
const equals = (left: Node, right: Node): Node => ({ A_Expr: { kind: 'AEXPR_OP', name: [name('=')], lexpr: left, rexpr: right } });

interface SelectParts {
  targets: Node[];
  from: Node[];
  where?: Node;
  withClause?: unknown;
  distinct?: boolean;
  limit?: number;
}

function select(parts: SelectParts): Node {
  return {
    SelectStmt: {
      ...(parts.distinct ? { distinctClause: [{}] } : {}),
      targetList: parts.targets,
      fromClause: parts.from,
      ...(parts.where ? { whereClause: parts.where } : {}),
      ...(parts.withClause ? { withClause: parts.withClause } : {}),
      ...(parts.limit !== undefined ? { limitCount: constant(parts.limit) } : {}),
      limitOption: 'LIMIT_OPTION_DEFAULT',
      op: 'SETOP_NONE',
    },
  };
}

const exists = (from: Node[], where: Node | undefined): Node => ({
  SubLink: { subLinkType: 'EXISTS_SUBLINK', subselect: select({ targets: [target(constant(1))], from, where }) },
});

/** `SELECT count(*) AS rows FROM (<matching>) AS airlock_matching`. */
function countOf(matching: Node): string {
  return statementSql(
    select({ targets: [target(countStar, 'rows')], from: [{ RangeSubselect: { subquery: matching, alias: { aliasname: 'airlock_matching' } } }] }),
  );
}

/** The table without its alias, for `SELECT count(*) FROM table`. */
function bareTable(relation: RangeVar): Node {
  const { alias: _alias, ...rest } = relation;
  return { RangeVar: { ...rest, inh: relation.inh ?? true, relpersistence: relation.relpersistence ?? 'p' } };
}

function displayName(relation: RangeVar): string {
  return `${relation.schemaname ? `${relation.schemaname}.` : ''}${relation.relname}`;
}

/** How a query names the target's columns: its alias, else the table (qualified as written). */
function refOf(relation: RangeVar): string[] {
  if (relation.alias?.aliasname) return [relation.alias.aliasname];
  return relation.schemaname ? [relation.schemaname, relation.relname!] : [relation.relname!];
}

/** Each target row once, even when a join matches it several times (a partitioned table's ctids repeat: with tableoid). */
function rowIdentity(ref: string[]): Node[] {
  return [target(columnRef(...ref, 'tableoid')), target(columnRef(...ref, 'ctid'))];
}

function arm(action: ChangeAction, label: string, matching: Node): ChangeArm {
  return { action, label, matching: statementSql(matching), count: countOf(matching) };
}

function writesInCte(withClause: WithClause | undefined): boolean {
  const ctes: readonly WrappedNode[] = withClause?.ctes ?? [];
  return ctes.some((cte) => !('SelectStmt' in (cte.CommonTableExpr?.ctequery ?? {})));
}


function base(kind: string, relation: RangeVar, arms: ChangeArm[], sample: Node, oneScan?: Node): RowChange {
  return {
    ...(oneScan ? { oneScan: statementSql(oneScan) } : {}),
    kind,
    name: displayName(relation),
    table: `${relation.schemaname ? `${quote(relation.schemaname)}.` : ''}${quote(relation.relname!)}`,
    relation,
    arms,
    tableRows: statementSql(select({ targets: [target(countStar, 'rows')], from: [bareTable(relation)] })),
    tableScan: statementSql(select({ targets: [target(constant(1))], from: [bareTable(relation)] })),
    sample: statementSql(sample),
  };
}

// ---- DELETE / UPDATE ----

function deleteOrUpdate(kind: 'DeleteStmt' | 'UpdateStmt', node: Node): RowChange {
  const statement = node as DeleteStmt | UpdateStmt;
  const relation = statement.relation!;
  const joined = (kind === 'DeleteStmt' ? (node as DeleteStmt).usingClause : (node as UpdateStmt).fromClause) ?? [];
  const ref = refOf(relation);
  const from = [{ RangeVar: relation }, ...joined];
  const where = statement.whereClause;
  const withClause = statement.withClause;
  const join = joined.length > 0;
  const matching = select({ targets: join ? rowIdentity(ref) : [target(constant(1))], from, where, withClause, distinct: join });
  const action = kind === 'DeleteStmt' ? 'delete' : 'update';
  const sample = select({ targets: [target(columnRef(...ref, '*'))], from, where, withClause, limit: 5 });
  // Without a join, a row is changed exactly when it passes the filter: both counts in one pass over the table,
  // the table named as written (alias, ONLY) so that the filter reads as it does in the statement.
  const oneScan = join
    ? undefined
    : select({ targets: [target(where ? countWhere(where as Node) : countStar, 'rows'), target(countStar, 'table_rows')], from, withClause });
  return base(kind, relation, [arm(action, kind === 'DeleteStmt' ? 'DELETE' : 'UPDATE', matching)], sample, oneScan);
}

// ---- MERGE ----

// The parser always writes a clause's match kind and command (neither is its enum's zero value).
type MergeWhen = MergeWhenClause & Required<Pick<MergeWhenClause, 'matchKind' | 'commandType'>>;

const ACTION_OF: Record<string, ChangeAction | undefined> = { CMD_UPDATE: 'update', CMD_DELETE: 'delete', CMD_INSERT: 'insert' };
const MATCH_LABEL: Record<MergeMatchKind, string> = {
  MERGE_WHEN_MATCHED: 'WHEN MATCHED',
  MERGE_WHEN_NOT_MATCHED_BY_SOURCE: 'WHEN NOT MATCHED BY SOURCE',
  MERGE_WHEN_NOT_MATCHED_BY_TARGET: 'WHEN NOT MATCHED',
};

function merge(node: Node): RowChange {
  const statement = node as MergeStmt;
  const relation = statement.relation!;
  const ref = refOf(relation);
  const targetTable = { RangeVar: relation };
  const source = statement.sourceRelation!;
  const on = statement.joinCondition!;
  const withClause = statement.withClause;
  const whenClauses: readonly WrappedNode[] = statement.mergeWhenClauses ?? [];
  const clauses = whenClauses.map((clause) => clause.MergeWhenClause as MergeWhen);
  const arms: ChangeArm[] = [];
  for (const matchKind of Object.keys(MATCH_LABEL) as MergeMatchKind[]) {
    // A row takes the first clause of its kind whose condition is true: each arm excludes the ones before it.
    const earlier: (Node | undefined)[] = [];
    for (const [index, clause] of clauses.entries()) {
      if (clause.matchKind !== matchKind) continue;
      const reachable = earlier.every((condition) => condition !== undefined);
      const action = ACTION_OF[clause.commandType];
      if (reachable && action) {
        const guards = and(clause.condition ? isTrue(clause.condition) : undefined, ...earlier.map((condition) => isNotTrue(condition!)));
        const label = `${MATCH_LABEL[matchKind]}${clause.condition ? ' AND …' : ''} THEN ${clause.commandType.slice(4)} (clause ${index + 1})`;
        const matching =
          matchKind === 'MERGE_WHEN_MATCHED'
            ? select({ targets: rowIdentity(ref), from: [targetTable, source], where: and(on, guards), withClause, distinct: true })
            : matchKind === 'MERGE_WHEN_NOT_MATCHED_BY_SOURCE'
              ? select({ targets: [target(constant(1))], from: [targetTable], where: and(not(exists([source], on)), guards), withClause })
              : select({ targets: [target(constant(1))], from: [source], where: and(not(exists([targetTable], on)), guards), withClause });
        arms.push(arm(action, label, matching));
      }
      earlier.push(clause.condition);
    }
  }
  const sample = select({ targets: [target(columnRef(...ref, '*'))], from: [targetTable, source], where: on, withClause, limit: 5 });
  return base('MergeStmt', relation, arms, sample);
}

// ---- INSERT … ON CONFLICT DO UPDATE ----

/** An INSERT whose conflicting rows are overwritten. */
export function isUpsert(kind: string, node: Node): boolean {
  return kind === 'InsertStmt' && (node as InsertStmt).onConflictClause?.action === 'ONCONFLICT_UPDATE';
}

/** The rows an upsert proposes (its VALUES or SELECT), as SQL: the runtime asks how many columns they have. */
export function upsertSourceSql(node: Node): string {
  const insert = node as InsertStmt;
  return statementSql(
    select({
      targets: [target(columnRef('*'))],
      from: [{ RangeSubselect: { subquery: insert.selectStmt, alias: { aliasname: 'airlock_source' } } }],
      withClause: insert.withClause,
      limit: 0,
    }),
  );
}

function upsert(node: Node, tableColumns: string[] | undefined): RowChange | string {
  const insert = node as InsertStmt;
  const relation = insert.relation!;
  const conflict = insert.onConflictClause!;
  if (conflict.infer?.conname) return 'ON CONFLICT ON CONSTRAINT cannot be measured here: name the conflict columns instead, ON CONFLICT (col, …)';
  const elems: readonly WrappedNode[] = conflict.infer?.indexElems ?? [];
  const keys = elems.map((elem) => elem.IndexElem?.name);
  if (keys.length === 0 || keys.some((key) => !key)) {
    return 'the ON CONFLICT target is an expression, which cannot be measured here: name plain conflict columns, ON CONFLICT (col, …)';
  }
  if (!insert.selectStmt) return 'INSERT … DEFAULT VALUES ON CONFLICT cannot be measured here: give the values';
  const cols: readonly WrappedNode[] = insert.cols ?? [];
  const written = cols.map((col) => (col.ResTarget?.indirection ? undefined : col.ResTarget?.name));
  if (written.some((column) => !column)) return 'an INSERT into parts of a column (a[1], c.field) cannot be measured here: insert whole columns';
  const columns = written.length ? (written as string[]) : tableColumns;
  if (!columns) return 'the inserted columns are not named: write INSERT INTO t (col, …)';
  // The proposed rows under the name ON CONFLICT gives them, so that its WHERE reads as written.
  const ref = relation.alias?.aliasname ? [relation.alias.aliasname] : [relation.relname!];
  const targetTable = { RangeVar: { ...relation, alias: { aliasname: ref[0] } } };
  const proposed = { RangeSubselect: { subquery: insert.selectStmt, alias: { aliasname: 'excluded', colnames: columns.map(name) } } };
  const conflicts = and(...(keys as string[]).map((key) => equals(columnRef(...ref, key), columnRef('excluded', key))));
  const withClause = insert.withClause;
  const updated = select({ targets: rowIdentity(ref), from: [targetTable, proposed], where: and(conflicts, conflict.whereClause), withClause, distinct: true });
  const inserted = select({ targets: [target(constant(1))], from: [proposed], where: not(exists([targetTable], conflicts)), withClause });
  const sample = select({ targets: [target(columnRef(...ref, '*'))], from: [targetTable, proposed], where: and(conflicts, conflict.whereClause), withClause, limit: 5 });
  return base('InsertStmt', relation, [arm('update', 'ON CONFLICT DO UPDATE (rows that conflict)', updated), arm('insert', 'rows inserted', inserted)], sample);
}

/** Does this statement change existing rows (so that it needs a blast radius and a backup)? */
export function changesRows(kind: string, node: Node): boolean {
  return kind === 'DeleteStmt' || kind === 'UpdateStmt' || kind === 'MergeStmt' || isUpsert(kind, node);
}

/**
 * The measuring queries of one statement that changes rows, or why it cannot
 * be measured. `tableColumns`: the target's columns in order, for an upsert
 * that does not name them. Undefined: the statement changes no existing rows.
 */
export function rowChangeOf(statement: Pick<ParsedStatement, 'kind' | 'node'>, tableColumns?: string[]): RowChangeOutcome | undefined {
  const { kind, node } = statement;
  if (!changesRows(kind, node)) return undefined;
  // One of the kinds that change rows: each names its table and may have a WITH clause.
  const { relation, withClause } = node as DeleteStmt | UpdateStmt | MergeStmt | InsertStmt;
  const fail = (problem: string): RowChangeOutcome => refused(BLAST_RADIUS_UNMEASURED, problem);
  if (!relation?.relname) return fail('the statement names no table');
  if (writesInCte(withClause)) {
    return fail('its WITH clause changes rows too, which a read-only dry-run cannot measure: run each change as a statement of its own');
  }
  const where = node.whereClause as Node | undefined;
  if (where && 'CurrentOfExpr' in where) return fail('WHERE CURRENT OF a cursor cannot be measured beforehand: write the filter that picks the rows');
  try {
    const built =
      kind === 'MergeStmt' ? merge(node) : kind === 'InsertStmt' ? upsert(node, tableColumns) : deleteOrUpdate(kind as 'DeleteStmt' | 'UpdateStmt', node);
    if (typeof built === 'string') return fail(built);
    return ok(built);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
