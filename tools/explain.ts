import { tool } from '@langchain/core/tools';
import type pg from 'pg';
import { z } from 'zod';
import { checkAgentExplain } from '../src/policy/agent-sql.ts';
import { loadSqlParser } from '../src/sql/parse-sql.ts';
import { withReadOnly } from '../src/agent/read-only.ts';
import { ToolRefusal, answer } from './context.ts';

export const ExplainInput = z.object({ sql: z.string().min(1).max(20_000).describe('one statement to plan (never run)') });

/** The planner's plan for one statement: plain EXPLAIN, which does not run it, in a READ ONLY transaction. */
export function explainTool() {
  return tool(
    async ({ sql }) => {
      await loadSqlParser();
      const checked = checkAgentExplain(sql);
      if (!checked.ok) throw new ToolRefusal(checked.refusal.message, checked.refusal.code);
      return withReadOnly(async (client) => {
        const result = await client.query({ text: `EXPLAIN ${checked.value.text}`, queryMode: 'extended' } as pg.QueryConfig);
        return answer({ plan: result.rows.map((row) => row['QUERY PLAN']).join('\n') });
      });
    },
    { name: 'explain', description: 'The query plan of one statement (EXPLAIN, never ANALYZE: nothing runs).', schema: ExplainInput },
  );
}
