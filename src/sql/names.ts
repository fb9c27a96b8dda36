/**
 * Names, written once: how Airlock qualifies a relation as `schema.table`
 * (schema `public` when the text names none) and how it quotes identifiers
 * into SQL it builds itself. Every module that names or quotes a table uses
 * these; none builds its own.
 */

type Relation = { schemaname?: unknown; relname?: unknown } | undefined;

/** A PostgreSQL identifier, quoted: `"Users"`, `"a""b"`. Always quoted, so case and odd characters survive. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` from its parts. */
export function quoteQualified(parts: readonly string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

/** `schema.name`, with `public` for a name written without a schema. */
export function qualifiedName(schema: unknown, name: string): string {
  return `${typeof schema === 'string' && schema ? schema : 'public'}.${name}`;
}

/** `schema.table` of a parse tree's RangeVar; `?` stands for a missing name. */
export function relationName(relation: Relation): string {
  return qualifiedName(relation?.schemaname, typeof relation?.relname === 'string' ? relation.relname : '?');
}

/**
 * The schema and table of a `schema.table` string. The split is at the first
 * dot: Airlock's own `schema.table` strings come from qualifiedName, and a
 * schema name with a dot in it is not supported.
 */
export function splitQualified(table: string): [schema: string, name: string] {
  const dot = table.indexOf('.');
  return dot < 0 ? ['public', table] : [table.slice(0, dot), table.slice(dot + 1)];
}

/** `"schema"."table"` from a `schema.table` string. */
export function quotedTable(table: string): string {
  return quoteQualified(splitQualified(table));
}
