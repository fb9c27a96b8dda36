import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { withReadOnly } from '../src/agent/read-only.ts';
import { answer } from './context.ts';
import { resolveTable } from './resolve-table.ts';

export const DescribeTableInput = z.object({ table: z.string().min(1).max(200).describe('schema.table or table') });

/** Columns, primary key and size of one table. */
export function describeTableTool() {
  return tool(
    async ({ table }) =>
      withReadOnly(async (client) => {
        const resolved = await resolveTable(client, table);
        const { rows: columns } = await client.query(
          `SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
                  pg_get_expr(d.adbin, d.adrelid) AS default
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
          [resolved.sql],
        );
        const { rows: key } = await client.query(
          `SELECT a.attname AS column FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = $1::regclass AND i.indisprimary`,
          [resolved.sql],
        );
        const { rows: size } = await client.query(`SELECT greatest(reltuples, 0)::bigint AS estimated_rows FROM pg_class WHERE oid = $1::regclass`, [
          resolved.sql,
        ]);
        return answer({ table: `${resolved.schema}.${resolved.name}`, columns, primary_key: key.map((row) => row.column), ...size[0] });
      }),
    { name: 'describe_table', description: "A table's columns, types, primary key and estimated size. Read-only.", schema: DescribeTableInput },
  );
}
