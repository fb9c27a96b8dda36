import { tool } from '@langchain/core/tools';
import type pg from 'pg';
import { z } from 'zod';
import { checkAgentSelect } from '../src/policy/agent-sql.ts';
import { loadSqlParser } from '../src/sql/parse-sql.ts';
import { READ_TIMEOUT, withReadOnly } from '../src/agent/read-only.ts';
import { LIMITS, ToolRefusal, answer } from './context.ts';

export const RunSelectInput = z.object({ sql: z.string().min(1).max(20_000).describe('one SELECT statement') });

/**
 * One read-only SELECT: checked by the parser (one statement, a SELECT that
 * only reads), sent alone on the extended protocol (no second statement can
 * ride along), in a READ ONLY transaction with a statement timeout, and cut
 * at the row cap.
 */
export function runSelectTool() {
  return tool(
    async ({ sql }) => {
      await loadSqlParser();
      const checked = checkAgentSelect(sql);
      if (!checked.ok) throw new ToolRefusal(checked.refusal.message, checked.refusal.code);
      return withReadOnly(async (client) => {
        const result = await client.query({
          text: `SELECT * FROM (${checked.value.text}) AS airlock_select LIMIT ${LIMITS.selectRows + 1}`,
          queryMode: 'extended',
        } as pg.QueryConfig);
        const truncated = result.rows.length > LIMITS.selectRows;
        return answer({
          rows: result.rows.slice(0, LIMITS.selectRows),
          ...(truncated ? { truncated: `only the first ${LIMITS.selectRows} rows are returned` } : {}),
          limits: { rows: LIMITS.selectRows, statement_timeout: READ_TIMEOUT },
        });
      });
    },
    {
      name: 'run_select',
      description: `Run one read-only SELECT (at most ${LIMITS.selectRows} rows back, ${READ_TIMEOUT} timeout). Anything else is refused.`,
      schema: RunSelectInput,
    },
  );
}
