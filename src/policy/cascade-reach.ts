import { refuse, type Refusal } from '../contracts/result.ts';

/**
 * DROP … CASCADE takes with it whatever depends on the objects it names,
 * however far the chain goes (issue 14, hole 9: `DROP SCHEMA app CASCADE` was
 * approved with "tables: -"). The runtime enumerates that reach from the
 * catalogue (pg_depend) before approval; here, pure, what to look up and what
 * to decide about what was found.
 */

import type { DropStmt } from '@pgsql/types';
import type { Fields, WrappedNode } from '../sql/tree.ts';

/** A root to look up: a schema, type, function, relation or extension, by its name parts. */
export interface CascadeRoot {
  catalog: 'pg_namespace' | 'pg_type' | 'pg_proc' | 'pg_class' | 'pg_extension';
  /** Name parts as written (schema first when qualified). */
  name: string[];
}

/** What CASCADE reaches: one object, as `pg_describe_object` names it. */
export interface ReachedObject {
  description: string;
  /** `table`: a table with rows (ordinary or partitioned); `column`: a table's column; anything else is a definition. */
  kind: 'table' | 'column' | 'other';
  /** schema.name of the table, for tables and columns. */
  table?: string;
  rows?: number;
}

const parts = (items: readonly WrappedNode[] | undefined): string[] => (items ?? []).map((item) => item.String?.sval ?? '');

const RELATION_KINDS = new Set(['OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);

/**
 * The objects a DROP … CASCADE names, to be looked up. Empty when it does not
 * cascade, or drops tables (those go to airlock_trash with their dependents).
 */
export function cascadeRoots(kind: string, node: Fields): CascadeRoot[] {
  if (kind !== 'DropStmt') return [];
  const drop = node as DropStmt;
  if (drop.behavior !== 'DROP_CASCADE') return [];
  const objects: readonly WrappedNode[] = drop.objects ?? [];
  const type = String(drop.removeType);
  if (type === 'OBJECT_SCHEMA') return objects.map((object) => ({ catalog: 'pg_namespace', name: [String(object.String?.sval ?? '')] }));
  if (type === 'OBJECT_EXTENSION') return objects.map((object) => ({ catalog: 'pg_extension', name: [String(object.String?.sval ?? '')] }));
  if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
    return objects.map((object) => ({ catalog: 'pg_type', name: parts(object.TypeName?.names) }));
  }
  if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE' || type === 'OBJECT_ROUTINE' || type === 'OBJECT_AGGREGATE') {
    return objects.map((object) => ({ catalog: 'pg_proc', name: parts(object.ObjectWithArgs?.objname) }));
  }
  if (RELATION_KINDS.has(type)) return objects.map((object) => ({ catalog: 'pg_class', name: parts(object.List?.items) }));
  return [];
}

export const CASCADE_REACHES_DATA = 'cascade-reaches-data';

/**
 * Tables and columns that CASCADE would drop cannot be kept for undo from a
 * catalogue walk: the statement is refused, naming them, with what to write
 * instead. Definitions alone (views, functions, sequences…) are shown to the
 * reviewer, who approves them as destructive. Undefined: no refusal.
 */
export function cascadeRefusal(statement: number, reached: ReachedObject[]): Refusal<typeof CASCADE_REACHES_DATA> | undefined {
  const data = reached.filter((object) => object.kind !== 'other');
  if (data.length === 0) return undefined;
  const shown = data.slice(0, 10).map((object) => `${object.description}${object.rows === undefined ? '' : ` (${object.rows} rows)`}`);
  const more = data.length > shown.length ? ` and ${data.length - shown.length} more` : '';
  return refuse(CASCADE_REACHES_DATA, `statement ${statement}'s CASCADE would also drop ${shown.join(', ')}${more} (${CASCADE_REACHES_DATA}), which Airlock cannot keep for undo: drop each table first with DROP TABLE (kept in airlock_trash) and each column with ALTER TABLE … DROP COLUMN (kept with its key), then drop what is left without CASCADE`);
}
