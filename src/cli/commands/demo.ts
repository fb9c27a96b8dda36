import type { Command } from 'commander';
import { runDemo } from '../demo.ts';
import { runCommand } from '../output.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('a guided tour on the embedded database: pause, approval, execution, audit (npm start)')
    .action(async () => runCommand({}, runDemo));
}
