import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/**
 * src/cli/main.ts loads only the module of the command that runs. What must
 * not change for it: help lists every command, in order; a mistyped command
 * still gets commander's suggestion and exit 2; a command's own help and
 * usage errors are as before.
 */
const COMMANDS = ['demo', 'check', 'migrate', 'cleanup', 'inbox', 'show', 'approve', 'reject', 'edit', 'history', 'resume', 'audit', 'export', 'replay', 'undo', 'agent', 'backups', 'db', 'serve'];

describe('each command loads only its own module', () => {
  it('airlock --help and airlock help list every command, in order', async () => {
    for (const args of [['--help'], ['help']]) {
      const run = await runCli(args);
      expect(run.code, run.stderr).toBe(0);
      const listed = [...run.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]).filter((name) => name !== 'help');
      expect(listed).toEqual(COMMANDS);
    }
  });

  it('a mistyped command is bad input with a suggestion; so is a name that is not a command of its own', async () => {
    const typo = await runCli(['inbx']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown command 'inbx'");
    expect(typo.stderr).toContain('Did you mean inbox?');
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const run = await runCli([name]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toContain(`unknown command '${name}'`);
    }
  });

  it('--version prints the version without loading a command; a command’s own help and usage errors are unchanged', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['approve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: airlock approve');
    const missing = await runCli(['approve']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'id'");
  });
});
