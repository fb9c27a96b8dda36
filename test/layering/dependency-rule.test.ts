import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const config = path.join(root, '.ci/dependency-cruiser.cjs');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');

function cruise(cwd: string, dirs: string[]) {
  const run = spawnSync(depcruise, [...dirs, '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A throwaway tree laid out like the repository, with the files given. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-layers-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('the dependency rule (.ci/dependency-cruiser.cjs, npm run lint:deps)', () => {
  it('holds for the repository as it is', () => {
    const run = cruise(root, ['src', 'graphs', 'tools', 'bench', 'test']);
    expect(run.output).toContain('no dependency violations found');
    expect(run.code).toBe(0);
  });

  it('fails on each kind of deliberate violation, naming the rule', () => {
    const dir = tree({
      // A cycle of runtime imports.
      'src/runtime/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/runtime/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      // I/O in the pure core.
      'src/policy/reads-a-file.ts': "import fs from 'node:fs';\nexport const size = () => fs.statSync('x').size;\n",
      // The pure core reaching up into the runtime.
      'src/policy/reaches-up.ts': "import { a } from '../runtime/a.ts';\nexport const up = a;\n",
      // The runtime importing a transport.
      'src/runtime/uses-cli.ts': "import { main } from '../cli/main.ts';\nexport const m = main;\n",
      'src/cli/main.ts': 'export const main = 1;\n',
      // A layer importing one above it: the store reaching up into the pipeline.
      'src/store/reaches-up.ts': "import { step } from '../pipeline/step.ts';\nexport const s = step;\n",
      'src/pipeline/step.ts': 'export const step = 1;\n',
      // A graph built and run outside src/threads.
      'src/server/runs-a-graph.ts': "import { migrationGraph } from '../pipeline/graphs.ts';\nexport const g = migrationGraph;\n",
      'src/pipeline/graphs.ts': 'export const migrationGraph = 1;\n',
      // A graph entry point imported from src.
      'src/threads/undo.ts': "import { graph } from '../../graphs/migration.ts';\nexport const g = graph;\n",
      'graphs/migration.ts': 'export const graph = 1;\n',
      // A tool importing the runner instead of using its port.
      'tools/propose.ts': "import { start } from '../src/threads/migration-runner.ts';\nexport const s = start;\n",
      'src/threads/migration-runner.ts': 'export const start = 1;\n',
      // Shipped code importing a test helper.
      'bench/b.ts': "import { h } from '../test/helpers/h.ts';\nexport const x = h;\n",
      'test/helpers/h.ts': 'export const h = 1;\n',
    });
    try {
      const run = cruise(dir, ['src', 'graphs', 'tools', 'bench', 'test']);
      expect(run.code).not.toBe(0);
      for (const rule of [
        'no-circular',
        'pure-core-does-no-io',
        'pure-core-imports-only-the-core',
        'runtime-does-not-import-transports',
        'graphs-are-entry-points-only',
        'graphs-run-by-threads-only',
        'layer-store-imports-no-layer-above',
        'layer-policy-imports-no-layer-above',
        'tools-reach-the-runner-through-a-port',
        'shipped-code-does-not-import-tests',
      ]) {
        expect(run.output, rule).toContain(rule);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a type-only import back does not count as a cycle (it is gone at run time)', () => {
    const dir = tree({
      'src/policy/a.ts': "import { b } from './b.ts';\nexport interface A { n: number }\nexport const a = () => b;\n",
      'src/policy/b.ts': "import type { A } from './a.ts';\nexport const b = (x?: A) => x;\n",
    });
    try {
      const run = cruise(dir, ['src']);
      expect(run.output).toContain('no dependency violations found');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a type-only import up a layer still breaks the layer rule (a shape the core needs belongs in src/contracts)', () => {
    const dir = tree({
      'src/policy/judge.ts': "import type { Step } from '../pipeline/step.ts';\nexport const judge = (s?: Step) => s;\n",
      'src/pipeline/step.ts': 'export interface Step { n: number }\n',
    });
    try {
      const run = cruise(dir, ['src']);
      expect(run.code).not.toBe(0);
      expect(run.output).toContain('layer-policy-imports-no-layer-above');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
