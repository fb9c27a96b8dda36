import type { Command } from 'commander';
import { undoAction } from '../../threads/undo.ts';
import { reviewerFrom } from '../identity.ts';
import { runCommand } from '../output.ts';
import { renderOutcome } from '../render-outcome.ts';

export function registerUndo(program: Command): void {
  program
    .command('undo')
    .description('put back what an action removed (its rows, or its table) from its backup; approved like any write')
    .argument('<action>', 'the action id (action_id in migrate/cleanup/approve output)')
    .option('--as <who>', 'who asks for the undo (default: AIRLOCK_REVIEWER)')
    .option('--json', 'print one JSON object')
    .action(async (actionId: string, options: { as?: string; json?: boolean }) =>
      runCommand(options, async () => renderOutcome(await undoAction(actionId, reviewerFrom(options.as, 'undo')))),
    );
}
