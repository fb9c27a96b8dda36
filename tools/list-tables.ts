import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { withReadOnly } from '../src/agent/read-only.ts';
import { LIMITS, answer } from './context.ts';

export const ListTablesInput = z.object({ schema: z.string().optional().describe('only this schema') });

/** The tables an agent may look at (never Airlock's own schemas), with their estimated sizes. */
export function listTablesTool() {
  return tool(
    async ({ schema }) =>
      withReadOnly(async (client) => {
        const { rows } = await client.query(
          `SELECT n.nspname AS schema, c.relname AS table, greatest(c.reltuples, 0)::bigint AS estimated_rows
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'airlock', 'airlock_backup', 'airlock_trash')
              AND n.nspname NOT LIKE 'pg_toast%' AND ($1::text IS NULL OR n.nspname = $1)
            ORDER BY 1, 2 LIMIT ${LIMITS.tables}`,
          [schema ?? null],
        );
        return answer({ tables: rows });
      }),
    { name: 'list_tables', description: 'List the tables (schema, name, estimated rows). Read-only.', schema: ListTablesInput },
  );
}
