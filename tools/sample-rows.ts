import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { withReadOnly } from '../src/agent/read-only.ts';
import { LIMITS, answer } from './context.ts';
import { resolveTable } from './resolve-table.ts';

export const SampleRowsInput = z.object({
  table: z.string().min(1).max(200),
  limit: z.number().int().positive().optional().describe(`how many rows, at most ${LIMITS.sampleRows}`),
});

/** A few rows of a table; never more than the cap, whatever the model asks for. */
export function sampleRowsTool() {
  return tool(
    async ({ table, limit }) =>
      withReadOnly(async (client) => {
        const resolved = await resolveTable(client, table);
        const rows = Math.min(limit ?? 5, LIMITS.sampleRows);
        const result = await client.query(`SELECT * FROM ${resolved.sql} LIMIT ${rows}`);
        return answer({ table: `${resolved.schema}.${resolved.name}`, rows: result.rows, capped_at: LIMITS.sampleRows });
      }),
    { name: 'sample_rows', description: `Up to ${LIMITS.sampleRows} rows of a table. Read-only.`, schema: SampleRowsInput },
  );
}
