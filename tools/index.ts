import type { ToolContext } from './context.ts';
import { countRowsTool } from './count-rows.ts';
import { describeTableTool } from './describe-table.ts';
import { explainTool } from './explain.ts';
import { listTablesTool } from './list-tables.ts';
import { proposeCleanupTool } from './propose-cleanup.ts';
import { proposeMigrationTool } from './propose-migration.ts';
import { runSelectTool } from './run-select.ts';
import { sampleRowsTool } from './sample-rows.ts';

export { ToolRefusal, type ProposePort, type ToolContext } from './context.ts';

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

export { READ_TOOLS, WRITE_TOOLS } from '../src/policy/agent-names.ts';
