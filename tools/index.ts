import type { ToolContext } from './context.ts';
import { countRowsTool } from './count-rows.ts';
import { describeTableTool } from './describe-table.ts';
import { explainTool } from './explain.ts';
import { listTablesTool } from './list-tables.ts';
import { proposeCleanupTool } from './propose-cleanup.ts';
import { proposeMigrationTool } from './propose-migration.ts';
import { runSelectTool } from './run-select.ts';
import { sampleRowsTool } from './sample-rows.ts';

export { ToolRefusal, type ToolContext } from './context.ts';

/** Every tool the agent has. There is no generic execute tool. */
export function agentTools(context: ToolContext) {
  return [
    listTablesTool(),
    describeTableTool(),
    sampleRowsTool(),
    countRowsTool(),
    runSelectTool(),
    explainTool(),
    proposeMigrationTool(context),
    proposeCleanupTool(context),
  ];
}

export const READ_TOOLS = ['list_tables', 'describe_table', 'sample_rows', 'count_rows', 'run_select', 'explain'] as const;
export const WRITE_TOOLS = ['propose_migration', 'propose_cleanup'] as const;
