import type pg from 'pg';
import type { CascadeRoot, ReachedObject } from '../policy/cascade-reach.ts';

/**
 * What a DROP … CASCADE would take with it, from the catalogue: every object
 * that depends on the roots through pg_depend (normal, automatic and internal
 * dependencies, transitively; a column's dependents through that column
 * only), with each table's row count. Read-only: runs in the dry-run's
 * transaction. Roots that do not exist reach nothing (the DROP then says so).
 */
export async function reachOfCascade(client: pg.PoolClient, roots: CascadeRoot[]): Promise<ReachedObject[]> {
  const reached = new Map<string, ReachedObject>();
  for (const root of roots) {
    const name = root.name.at(-1) ?? '';
    const schema = root.name.length > 1 ? root.name.at(-2)! : null;
    const { rows } = await client.query<{ description: string; kind: ReachedObject['kind']; table: string | null; relation: string | null }>(
      `WITH RECURSIVE roots(classid, objid) AS (
         SELECT 'pg_namespace'::regclass, n.oid FROM pg_namespace n WHERE $1 = 'pg_namespace' AND n.nspname = $2
         UNION ALL SELECT 'pg_extension'::regclass, e.oid FROM pg_extension e WHERE $1 = 'pg_extension' AND e.extname = $2
         UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE $1 = 'pg_type' AND t.typname = $2 AND (n.nspname = $3 OR ($3 IS NULL AND pg_type_is_visible(t.oid)))
         UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE $1 = 'pg_proc' AND p.proname = $2 AND (n.nspname = $3 OR ($3 IS NULL AND pg_function_is_visible(p.oid)))
         UNION ALL SELECT 'pg_class'::regclass, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE $1 = 'pg_class' AND c.relname = $2 AND (n.nspname = $3 OR ($3 IS NULL AND pg_table_is_visible(c.oid)))
       ), reach(classid, objid, objsubid, depth) AS (
         SELECT classid, objid, 0, 0 FROM roots
         UNION
         SELECT d.classid, d.objid, d.objsubid, r.depth + 1
           FROM reach r JOIN pg_depend d ON d.refclassid = r.classid AND d.refobjid = r.objid AND (r.objsubid = 0 OR d.refobjsubid = r.objsubid)
          WHERE d.deptype IN ('n', 'a', 'i') AND r.depth < 30
       )
       SELECT DISTINCT pg_describe_object(r.classid, r.objid, r.objsubid) AS description,
              CASE WHEN r.classid = 'pg_class'::regclass AND c.relkind IN ('r', 'p') THEN CASE WHEN r.objsubid = 0 THEN 'table' ELSE 'column' END ELSE 'other' END AS kind,
              CASE WHEN r.classid = 'pg_class'::regclass AND c.relkind IN ('r', 'p') THEN format('%I.%I', n.nspname, c.relname) END AS relation,
              CASE WHEN r.classid = 'pg_class'::regclass AND c.relkind IN ('r', 'p') THEN n.nspname || '.' || c.relname END AS table
         FROM reach r
         LEFT JOIN pg_class c ON r.classid = 'pg_class'::regclass AND c.oid = r.objid
         LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE r.depth > 0 OR r.classid <> 'pg_namespace'::regclass
        ORDER BY 1`,
      [root.catalog, name, schema],
    );
    for (const row of rows) {
      // A table's own row type, array type and the like go with it: the table says it all.
      if (reached.has(row.description)) continue;
      const object: ReachedObject = { description: row.description, kind: row.kind, ...(row.table ? { table: row.table } : {}) };
      if (row.kind === 'table' && row.relation) {
        const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${row.relation}`);
        object.rows = Number(counted[0]!.n);
      }
      reached.set(row.description, object);
    }
  }
  // Whole tables say enough: their own columns are not listed again.
  const tables = new Set([...reached.values()].filter((object) => object.kind === 'table').map((object) => object.table));
  return [...reached.values()].filter((object) => !(object.kind === 'column' && tables.has(object.table)));
}
