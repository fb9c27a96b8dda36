import { exactStatementSql } from '../sql/deparse.ts';
import { parseSql } from '../sql/parse-sql.ts';
import { isUpsert } from './row-change.ts';

/**
 * The statement that changes rows and keeps them, as one statement (issue 14,
 * hole 7): the rows kept for undo come from the RETURNING of the very
 * execution that removes or overwrites them, so they are exactly those rows,
 * whatever the filter does on a second evaluation.
 *
 *   WITH airlock_changed AS (DELETE … RETURNING old.*)
 *   , airlock_kept AS (INSERT INTO backup SELECT * FROM airlock_changed RETURNING *)
 *   SELECT …counts…, …the backup's fingerprint…
 *
 * UPDATE, MERGE and upserts keep the old row values (PostgreSQL 18's
 * `RETURNING old`), and for rows they insert, the new row (so that undo can
 * take it out again), each tagged with what happened to it (`airlock_change`:
 * DELETE, UPDATE or INSERT). The user's own RETURNING list is replaced.
 * Pure: from the statement's tree; the DML is deparsed from it, never spliced.
 */

type Node = Record<string, unknown>;

// The RETURNING lists, parsed from constant templates so that they are shaped
// exactly as the parser shapes them (the executed statement is checked node for node).
const RETURNING_TEMPLATES: Record<string, string> = {
  rows: 'DELETE FROM t RETURNING old.*',
  DeleteStmt: "DELETE FROM t RETURNING 'DELETE' AS airlock_change, old AS airlock_old, new AS airlock_new",
  UpdateStmt: "UPDATE t SET a = 1 RETURNING 'UPDATE' AS airlock_change, old AS airlock_old, new AS airlock_new",
  MergeStmt: 'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE RETURNING merge_action() AS airlock_change, old AS airlock_old, new AS airlock_new',
  InsertStmt:
    "INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 1 RETURNING CASE WHEN old.ctid IS NULL THEN 'INSERT' ELSE 'UPDATE' END AS airlock_change, old AS airlock_old, new AS airlock_new",
};

/** What the capture returns for each changed row: the row itself (a cleanup), or what happened to it with its old and new values. */
function returningFor(kind: string, node: Node, shape: 'rows' | 'changed'): unknown {
  if (shape === 'changed' && !RETURNING_TEMPLATES[kind]) throw new Error(`${kind} does not change existing rows`);
  if (shape === 'changed' && kind === 'InsertStmt' && !isUpsert(kind, node)) throw new Error('a plain INSERT changes no existing rows');
  const parsed = parseSql(RETURNING_TEMPLATES[shape === 'rows' ? 'rows' : kind]!);
  if (!parsed.ok) throw new Error('a RETURNING template does not parse');
  return parsed.statements[0]!.node.returningClause;
}

export interface CaptureTarget {
  /** The backup table, schema-qualified and quoted. */
  backup: string;
  /**
   * `rows`: the backup has the table's own columns and holds removed rows
   * (a cleanup). `changed`: an `airlock_change` column first, then the
   * table's columns (a migration's statement).
   */
  shape: 'rows' | 'changed';
  /** Archive mode: also move the removed rows into this table (quoted), tagged with the thread id in `$1`. */
  archive?: string;
}

/**
 * The one statement that makes the change and keeps what it changes. It
 * returns one row per kind of change: `{ change, rows, kept }` (and `archived`
 * in archive mode). Needs the parser loaded.
 */
export function captureSql(statement: { kind: string; node: Node }, target: CaptureTarget): string {
  const { kind, node } = statement;
  // What runs is checked to be exactly the reviewed statement, plus this RETURNING list.
  const dml = exactStatementSql({ [kind]: { ...node, returningClause: returningFor(kind, node, target.shape) } });
  if (target.shape === 'rows') {
    return [
      `WITH airlock_changed AS (${dml})`,
      `, airlock_kept AS (INSERT INTO ${target.backup} SELECT * FROM airlock_changed RETURNING *)`,
      ...(target.archive ? [`, airlock_archived AS (INSERT INTO ${target.archive} SELECT airlock_changed.*, $1::text FROM airlock_changed RETURNING 1)`] : []),
      `SELECT 'DELETE' AS change, (SELECT count(*) FROM airlock_changed) AS rows, (SELECT count(*) FROM airlock_kept) AS kept, ${FINGERPRINT} AS fingerprint${
        target.archive ? ', (SELECT count(*) FROM airlock_archived) AS archived' : ''
      }`,
    ].join('\n');
  }
  return [
    `WITH airlock_changed AS (${dml})`,
    `, airlock_kept AS (INSERT INTO ${target.backup}`,
    `    SELECT c.airlock_change, (c.airlock_old).* FROM airlock_changed c WHERE c.airlock_change <> 'INSERT'`,
    `    UNION ALL SELECT c.airlock_change, (c.airlock_new).* FROM airlock_changed c WHERE c.airlock_change = 'INSERT'`,
    `    RETURNING *)`,
    `SELECT c.airlock_change AS change, count(*) AS rows, (SELECT count(*) FROM airlock_kept k WHERE k.airlock_change = c.airlock_change) AS kept, ${FINGERPRINT} AS fingerprint`,
    `  FROM airlock_changed c GROUP BY c.airlock_change`,
  ].join('\n');
}

/**
 * The backup's fingerprint (backup.ts, fingerprintOf: its row count and the
 * sum of its rows' 64-bit hashes), taken from the rows as the INSERT wrote
 * them: the same figure as a scan of the backup would give, without the scan.
 */
const FINGERPRINT = `(SELECT count(*) || ':' || coalesce(sum(hashtextextended(k::text, 0)::numeric), 0) FROM airlock_kept k)`;

/** The rows a capture removed or overwrote (what the approval's count is about), all it touched, and the backup's fingerprint. */
export function capturedCounts(rows: { change: string; rows: string | number; kept: string | number; fingerprint?: string; archived?: string | number }[]) {
  const of = (change: string) => Number(rows.find((row) => row.change === change)?.rows ?? 0);
  const deleted = of('DELETE');
  const updated = of('UPDATE');
  const inserted = of('INSERT');
  const kept = rows.reduce((sum, row) => sum + Number(row.kept), 0);
  // Nothing changed: no row comes back (the changed shape groups by change); an empty backup's fingerprint.
  const fingerprint = rows[0]?.fingerprint ?? '0:0';
  return { deleted, updated, inserted, destroyed: deleted + updated, total: deleted + updated + inserted, kept, archived: Number(rows[0]?.archived ?? 0), fingerprint };
}
