import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/policy/rules/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** One command of a runnable block: its README line, the text to run, and the exit code its comment promises (0 when silent). */
interface ReadmeCommand {
  line: number;
  command: string;
  exitCode: number;
}

/**
 * The shell blocks marked `<!-- runnable -->`, in README order. A line ending
 * in `\` continues on the next; a trailing `# …` comment is the reader's
 * note, and `# exit N` in it is the exit code the line must give.
 */
export function runnableBlocks(text: string): ReadmeCommand[][] {
  const lines = text.split('\n');
  const blocks: ReadmeCommand[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '<!-- runnable -->') continue;
    if (lines[i + 1]?.trim() !== '```sh') throw new Error(`README line ${i + 1}: <!-- runnable --> must be followed by a \`\`\`sh block`);
    const block: ReadmeCommand[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.trim() !== '```'; j++) {
      let raw = lines[j]!;
      const start = j + 1;
      while (raw.endsWith("\\") && j + 1 < lines.length) raw = `${raw.slice(0, -1).trimEnd()} ${lines[++j]!.trim()}`;
      const comment = /\s#\s(.*)$/.exec(raw);
      const command = (comment ? raw.slice(0, comment.index) : raw).trim();
      if (!command || command.startsWith('#')) continue;
      const promised = comment ? /\bexit (\d+)/.exec(comment[1]!) : null;
      block.push({ line: start, command, exitCode: promised ? Number(promised[1]) : 0 });
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/** The runnable blocks as one bash script: every line checked for the exit code the README gives it. */
function scriptOf(blocks: ReadmeCommand[][]): string {
  const steps = blocks.flat().map(({ line, command, exitCode }) =>
    [`echo "+ README:${line}: ${command.replace(/[\\"$`]/g, '\\$&')}"`, command, `code=$?; if [ "$code" != ${exitCode} ]; then echo "README line ${line} exited $code, expected ${exitCode}" >&2; exit 1; fi`].join('\n'),
  );
  return ['set -u', ...steps].join('\n');
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the README stays true', () => {
  it.each(RULES.map((rule) => [rule.name, rule] as const))('its rule table has %s with its message', (name, rule) => {
    expect(readme).toContain(`| \`${name}\` | ${rule.tier} | ${rule.message.replace(/\|/g, '\\|')} |`);
  });

  it('names the two commands, and only those two, under "Two commands"', () => {
    const section = readme.split('## Two commands')[1]!.split('\n## ')[0]!;
    const firstBlock = section.split('```sh\n')[1]!.split('```')[0]!.trim().split('\n');
    expect(firstBlock.map((line) => line.split('#')[0]!.trim())).toEqual(['npm install && npm start', 'npm test']);
  });

  it('reads its runnable blocks as commands with the exit codes they promise', () => {
    const blocks = runnableBlocks(['<!-- runnable -->', '```sh', 'a --x \\', '  --y   # exit 3: paused', '# a note', 'b', '```'].join('\n'));
    expect(blocks).toEqual([[{ line: 3, command: 'a --x --y', exitCode: 3 }, { line: 6, command: 'b', exitCode: 0 }]]);
  });

  it('a line that gives another exit code than its comment says fails the run, naming the line', async () => {
    const wrong = await bash(scriptOf([[{ line: 7, command: 'true', exitCode: 0 }, { line: 8, command: '(exit 3)', exitCode: 0 }]]), process.env);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('README line 8 exited 3, expected 0');
    const right = await bash(scriptOf([[{ line: 8, command: '(exit 3)', exitCode: 3 }]]), process.env);
    expect(right.code).toBe(0);
  });

  it('every runnable shell block runs as shown, in order, on a fresh embedded database, each line with the exit code it says', async () => {
    const blocks = runnableBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const file of readme.match(/test\/examples\/[\w.]+\.sql/g) ?? []) expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-readme-'));
    const env: NodeJS.ProcessEnv = { ...process.env, AIRLOCK_HOME: home, CI: 'true' };
    for (const key of ['DATABASE_URL', 'TARGET_DATABASE_URL', 'AIRLOCK_POLICY', 'AIRLOCK_REVIEWER', 'AIRLOCK_ENV', 'APP_ENV']) delete env[key];
    try {
      const run = await bash(scriptOf(blocks), env);
      expect(run.code, run.output.split('\n').slice(-40).join('\n')).toBe(0);
    } finally {
      await bash('npx airlock db stop', env);
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 600_000);
});
