import fs from 'node:fs';
import type { Command } from 'commander';
import { ExitCode } from '../../contracts/errors.ts';
import { exportThread } from '../../threads/thread-export.ts';
import { runCommand } from '../output.ts';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("a thread's checkpoints, pending writes and approvals as versioned JSON on stdout (for airlock replay)")
    .argument('<thread>', 'the thread id (from migrate, cleanup or inbox)')
    .option('-o, --output <file>', 'write the JSON to this file instead of stdout')
    .option('--json', 'the export is JSON already; accepted for symmetry with the other commands')
    .action(async (threadId: string, options: { output?: string; json?: boolean }) =>
      // Errors are JSON on stdout only with --json; without it, stdout holds the export or nothing.
      runCommand({ json: Boolean(options.json) }, async () => {
        const exported = await exportThread(threadId);
        if (options.output) fs.writeFileSync(options.output, `${JSON.stringify(exported, null, 2)}\n`);
        const summary = `Exported thread ${threadId} (${exported.graph}): ${exported.checkpoints.length} checkpoints to ${options.output}. Replay it with: airlock replay ${options.output} --decision approve|reject`;
        return { json: exported, text: options.output ? summary : JSON.stringify(exported), exitCode: ExitCode.done };
      }),
    );
}
