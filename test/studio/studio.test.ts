import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const envPath = path.join(root, '.env');
// A fresh clone has no .env (it is git-ignored); the script must cope with that.
const hadEnv = fs.existsSync(envPath);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-studio-'));

interface Studio {
  process: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  /** Exited and its output fully read. */
  closed: Promise<number | null>;
}

/** `npm run studio`, as its own process group so afterAll can stop all of it. */
function startStudio(args: string[] = []): Studio {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', AIRLOCK_HOME: home };
  delete env.PORT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/studio.ts', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const studio: Studio = {
    process: child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    closed: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout!.on('data', (chunk) => (studio.stdout += chunk));
  child.stderr!.on('data', (chunk) => (studio.stderr += chunk));
  return studio;
}

async function apiAddress(studio: Studio): Promise<string> {
  const deadline = Date.now() + 100_000;
  for (;;) {
    const api = /^API: (\S+)$/m.exec(studio.stdout)?.[1];
    if (api) return api;
    if (studio.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`npm run studio printed no API line (exit ${studio.process.exitCode}):\n${studio.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Processes still serving this port: the CLI (`--port N`) and its API server (`"port":N`). */
function serversOn(port: number): string[] {
  return fs
    .readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        return cmdline.includes(`--port ${port} `) || cmdline.includes(`"port":${port},`);
      } catch {
        return false;
      }
    });
}

const INPUT_FIELDS = {
  migration: ['sql', 'environment', 'requestedBy'],
  cleanup: ['table', 'predicate', 'mode', 'environment', 'requestedBy'],
  agent: ['task', 'environment', 'requestedBy', 'role'],
} as const;

describe('npm run studio', () => {
  let studio: Studio;
  let api: string;

  beforeAll(async () => {
    studio = startStudio();
    api = await apiAddress(studio);
  }, 120_000);

  afterAll(async () => {
    // The script forwards the signal to the dev server's own process group.
    if (studio.process.exitCode === null) process.kill(-studio.process.pid!, 'SIGTERM');
    await studio.exit;
    const left = api ? serversOn(Number(new URL(api).port)) : [];
    for (const pid of left) process.kill(Number(pid), 'SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
    // Leave a fresh clone as it was: without the .env this run created.
    const createdEnv = !hadEnv && fs.existsSync(envPath);
    if (createdEnv && fs.readFileSync(envPath, 'utf8').startsWith('# Created empty by `npm run studio`')) fs.rmSync(envPath);
    expect(left, 'dev server processes left running after the script was stopped').toEqual([]);
  }, 60_000);

  it('prints only the Studio and API addresses on stdout, on a free port other than 2024', () => {
    const port = Number(new URL(api).port);
    expect(port).not.toBe(2024);
    expect(studio.stdout).toBe(`Studio: https://smith.langchain.com/studio/?baseUrl=${api}\nAPI: ${api}\n`);
    expect(api).toBe(`http://127.0.0.1:${port}`);
    expect(studio.stderr).toMatch(/in-memory checkpoints under \.langgraph_api\/.*airlock serve/);
    // The dev server's version warning about our one checkpoint copy is explained, not shown (it is only
    // replaced when the API server, @langchain/langgraph and checkpoint-postgres resolve the same file).
    expect(studio.stderr).not.toMatch(/Some LangGraph.js dependencies are not up to date/);
    expect(studio.stderr).toMatch(/^studio: @langchain\/langgraph-api 2\.0 asks for @langchain\/langgraph-checkpoint ~1\.0; Airlock installs 1\.\d+\.\d+ .*the API server and the graphs load that same copy/m);
  });

  it.skipIf(hadEnv)('on a fresh clone without .env it creates an empty one and says so', () => {
    expect(studio.stderr).toMatch(/^studio: created an empty \.env .*\.env\.example/m);
    expect(fs.readFileSync(envPath, 'utf8')).toMatch(/^# Created empty by `npm run studio`.*\.env\.example.*\n$/);
  });

  it('the dev server answers /ok and lists every graph, each with its input schema', async () => {
    expect((await fetch(`${api}/ok`)).status).toBe(200);

    const search = await fetch(`${api}/assistants/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(search.status).toBe(200);
    const assistants = (await search.json()) as { assistant_id: string; graph_id: string }[];
    expect(assistants.map((a) => a.graph_id).sort()).toEqual(['agent', 'cleanup', 'migration']);

    for (const { assistant_id, graph_id } of assistants) {
      const response = await fetch(`${api}/assistants/${assistant_id}/schemas`);
      expect(response.status, `schemas of ${graph_id}`).toBe(200);
      const schemas = (await response.json()) as { input_schema: { properties: Record<string, { description?: string }> } };
      const properties = schemas.input_schema.properties;
      for (const field of INPUT_FIELDS[graph_id as keyof typeof INPUT_FIELDS]) {
        expect(properties[field]?.description, `${graph_id} input field ${field}`).toEqual(expect.any(String));
      }
    }
  }, 90_000);
});

describe('npm run studio --port', () => {
  it('refuses port 2024, taken by another LangGraph server, with exit 2 and one line', async () => {
    const studio = startStudio(['--port', '2024']);
    expect(await studio.closed).toBe(2);
    expect(studio.stdout).toBe('');
    expect(studio.stderr).toMatch(/^studio: port 2024 is taken.*\n$/);
    expect(studio.stderr.trim().split('\n')).toHaveLength(1);
  });
});
