import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { parseAge } from '../../src/policy/age.ts';
import { parseForwardOffset } from '../../src/policy/clock.ts';

/** The package's bin, as a user runs it. */
export const AIRLOCK_BIN = path.resolve(import.meta.dirname, '../../src/cli/airlock.js');

/**
 * What runCli and startCli run: the same CLI from a bundle built for this run
 * (a third of the start-up; see cli-bundle.ts), or the bin itself with
 * AIRLOCK_TEST_CLI=bin.
 */
function cliEntry(): string {
  return process.env.AIRLOCK_TEST_CLI === 'bin' ? AIRLOCK_BIN : inject('cliBundle');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, when the command was asked for --json. */
  json: Record<string, any>;
}

/**
 * AIRLOCK_NOW for a child process whose clock runs `ahead` later than the
 * suite's own (which is the machine's, or AIRLOCK_NOW=+OFFSET when the whole
 * suite is run in the future): tests take their clock from here, never from
 * today's date, and never wait for real time to pass.
 */
export function clockAhead(ahead: string): string {
  const base = process.env.AIRLOCK_NOW ? parseForwardOffset(process.env.AIRLOCK_NOW) : 0;
  const more = parseAge(ahead);
  if (base === undefined || more === undefined) throw new Error(`clockAhead needs AIRLOCK_NOW unset or +OFFSET, and an age like 73h (got ${process.env.AIRLOCK_NOW}, ${ahead})`);
  return `+${Math.round((base + more) / 60_000)}m`;
}

/** The environment a child `airlock` process runs with: the suite's AIRLOCK_HOME, no terminal. */
export function cliEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AIRLOCK_HOME: inject('airlockHome'), CI: 'true', ...overrides };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

export function startCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const child = spawn(process.execPath, [cliEntry(), ...args], {
    env: options.env ?? cliEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end(options.input ?? '');
  return child;
}

/** Run `airlock ARGS` as a separate OS process and collect what it printed. */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      let json: Record<string, any> = {};
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout);
        } catch {
          reject(new Error(`airlock ${args.join(' ')} printed no JSON object on stdout:\n${stdout}\nstderr:\n${stderr}`));
          return;
        }
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/**
 * Every pending approval, oldest first: `inbox --json` page after page
 * (following next_cursor), as a reviewer's script would. The suite shares
 * one state database, so a test's own approval may be past the first page.
 */
export async function allPending(options: { env?: NodeJS.ProcessEnv } = {}): Promise<any[]> {
  const approvals: any[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await runCli(['inbox', '--json', '--limit', '500', ...(after ? ['--after', after] : [])], options);
    if (page.code !== 0) throw new Error(`airlock inbox exited ${page.code}: ${page.stderr}`);
    approvals.push(...page.json.approvals);
    if (!page.json.has_more) return approvals;
    after = page.json.next_cursor;
  }
  throw new Error('airlock inbox kept saying more were pending after 100 pages');
}

/** The text inbox, page after page, by the command each page says gives the next one. */
export async function allPendingText(options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  let text = '';
  let args = ['inbox', '--limit', '500'];
  for (let pages = 0; pages < 100; pages++) {
    const page = await runCli(args, options);
    if (page.code !== 0) throw new Error(`airlock inbox exited ${page.code}: ${page.stderr}`);
    text += page.stdout;
    const next = /^More are pending: airlock (inbox .*)$/m.exec(page.stdout);
    if (!next) return text;
    args = next[1]!.split(' ');
  }
  throw new Error('airlock inbox kept saying more were pending after 100 pages');
}
