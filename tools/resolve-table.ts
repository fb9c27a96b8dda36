import type pg from 'pg';
import { ToolRefusal, quoteIdentifier } from './context.ts';

const HIDDEN_SCHEMAS = new Set(['airlock', 'airlock_backup', 'airlock_trash', 'pg_catalog', 'information_schema']);

/** A table the model named, as the database resolves it; Airlock's own schemas and the catalogs are out of reach. */
export async function resolveTable(client: pg.PoolClient, table: string): Promise<{ schema: string; name: string; sql: string }> {
  const { rows } = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p', 'v', 'm')`,
    [table],
  );
  const found = rows[0];
  if (!found) throw new ToolRefusal(`there is no table ${table}: call list_tables to see the tables`, 'unknown-table');
  if (HIDDEN_SCHEMAS.has(found.schema)) throw new ToolRefusal(`${found.schema}.${found.name} is Airlock's own or the system's: not for agents`, 'airlock-state');
  return { ...found, sql: `${quoteIdentifier(found.schema)}.${quoteIdentifier(found.name)}` };
}
