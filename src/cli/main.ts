import { Command, CommanderError } from 'commander';
import { ExitCode } from '../contracts/errors.ts';
import { registerAgent } from './commands/agent.ts';
import { registerAudit } from './commands/audit.ts';
import { registerBackups } from './commands/backups.ts';
import { registerCheck } from './commands/check.ts';
import { registerCleanup } from './commands/cleanup.ts';
import { registerDb } from './commands/db.ts';
import { registerDemo } from './commands/demo.ts';
import { registerExport } from './commands/export.ts';
import { registerHistory } from './commands/history.ts';
import { registerInbox } from './commands/inbox.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerReplay } from './commands/replay.ts';
import { registerResume } from './commands/resume.ts';
import { registerApprove, registerEdit, registerReject } from './commands/review.ts';
import { registerServe } from './commands/serve.ts';
import { registerShow } from './commands/show.ts';
import { registerUndo } from './commands/undo.ts';

const program = new Command('airlock')
  .description('Run PostgreSQL migrations from AI agents with a human in the loop.')
  .version('0.1.0')
  // Usage errors exit 2 (the CLI contract), not commander's default 1.
  .exitOverride()
  .showHelpAfterError('(add --help for usage)')
  .showSuggestionAfterError()
  // 'backups --json' and 'backups prune --json' each own their --json.
  .enablePositionalOptions();

registerDemo(program);
registerCheck(program);
registerMigrate(program);
registerCleanup(program);
registerInbox(program);
registerShow(program);
registerApprove(program);
registerReject(program);
registerEdit(program);
registerHistory(program);
registerResume(program);
registerAudit(program);
registerExport(program);
registerReplay(program);
registerUndo(program);
registerAgent(program);
registerBackups(program);
registerDb(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    process.exitCode = informational ? ExitCode.done : ExitCode.badInput;
  } else {
    throw error;
  }
}
