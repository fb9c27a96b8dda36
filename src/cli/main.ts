import { Command, CommanderError } from 'commander';
import { ExitCode } from '../contracts/errors.ts';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: `airlock check`
 * loads the parser and the policy, not LangGraph, the agent or the API
 * server. Help (`airlock --help`, `airlock help`) and a command Airlock does
 * not know (so commander can suggest the nearest one) load them all, in
 * this order, which is the order help lists them in.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  check: async () => (await import('./commands/check.ts')).registerCheck,
  migrate: async () => (await import('./commands/migrate.ts')).registerMigrate,
  cleanup: async () => (await import('./commands/cleanup.ts')).registerCleanup,
  inbox: async () => (await import('./commands/inbox.ts')).registerInbox,
  show: async () => (await import('./commands/show.ts')).registerShow,
  approve: async () => (await import('./commands/review.ts')).registerApprove,
  reject: async () => (await import('./commands/review.ts')).registerReject,
  edit: async () => (await import('./commands/review.ts')).registerEdit,
  history: async () => (await import('./commands/history.ts')).registerHistory,
  resume: async () => (await import('./commands/resume.ts')).registerResume,
  audit: async () => (await import('./commands/audit.ts')).registerAudit,
  export: async () => (await import('./commands/export.ts')).registerExport,
  replay: async () => (await import('./commands/replay.ts')).registerReplay,
  undo: async () => (await import('./commands/undo.ts')).registerUndo,
  agent: async () => (await import('./commands/agent.ts')).registerAgent,
  backups: async () => (await import('./commands/backups.ts')).registerBackups,
  db: async () => (await import('./commands/db.ts')).registerDb,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
};

/** The commands this run needs: the one named, none for --version, all otherwise. */
function commandsFor(argv: string[]): string[] {
  const first = argv[2];
  if (first === '--version' || first === '-V') return [];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}

/**
 * Run the CLI on `argv` (process.argv's shape). The bin calls it from the
 * compiled build (src/cli/build.ts), or from the sources through tsx when
 * there is no build.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('airlock')
    .description('Run PostgreSQL migrations from AI agents with a human in the loop.')
    .version('0.1.0')
    // Usage errors exit 2 (the CLI contract), not commander's default 1.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    // 'backups --json' and 'backups prune --json' each own their --json.
    .enablePositionalOptions();
  for (const register of await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]!()))) register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      process.exitCode = informational ? ExitCode.done : ExitCode.badInput;
    } else {
      throw error;
    }
  }
}
