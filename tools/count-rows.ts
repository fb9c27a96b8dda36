import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { planCleanup } from '../src/policy/cleanup-request.ts';
import { loadSqlParser } from '../src/sql/parse-sql.ts';
import { withReadOnly } from '../src/agent/read-only.ts';
import { ToolRefusal, answer } from './context.ts';
import { resolveTable } from './resolve-table.ts';

export const CountRowsInput = z.object({
  table: z.string().min(1).max(200),
  where: z.string().max(2000).optional().describe('an SQL filter, read-only'),
});

/** How many rows of a table match a filter (checked like a cleanup's: one read-only filter), beside the table's total. */
export function countRowsTool() {
  return tool(
    async ({ table, where }) => {
      await loadSqlParser();
      return withReadOnly(async (client) => {
        const resolved = await resolveTable(client, table);
        const qualified = `${resolved.schema}.${resolved.name}`;
        const filter = where?.trim() || 'true';
        const plan = planCleanup(qualified, filter);
        if (!plan.ok) throw new ToolRefusal(plan.refusal.message.replace('--where', 'where').replace('--table', 'table'), 'unsafe-filter');
        // The counting queries the cleanup's dry-run uses, built from the filter's parse tree (never its text).
        const counted = await client.query<{ rows: string }>(plan.value.change.arms[0]!.count);
        const total = await client.query<{ rows: string }>(plan.value.change.tableRows);
        return answer({ table: qualified, where: filter, rows: Number(counted.rows[0]!.rows), total: Number(total.rows[0]!.rows) });
      });
    },
    { name: 'count_rows', description: 'Count the rows matching an SQL filter, and the total. Read-only.', schema: CountRowsInput },
  );
}
