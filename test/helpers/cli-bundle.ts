import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

/**
 * Why the suite runs the CLI from a bundle: most of an `airlock` process's
 * start-up is module loading, not work. Through the bin (tsx's loader hooks,
 * then LangGraph, LangChain and the API server as thousands of separate
 * files) a bare `airlock --help` took 1.6 s of CPU here; the same
 * src/cli/main.ts bundled into one file takes 0.3 s, and the suite starts
 * some 1,500 of them. The bundle is the real CLI: built from the sources at
 * the start of every run (and again on each watch-mode rerun), run as its own
 * OS process with its own argv, environment, stdin, stdout, stderr and exit
 * code. What it skips is only the bin's launcher (src/cli/airlock.js: register
 * tsx, preload), which the README, `npx airlock` and studio tests still run.
 */
export interface CliBundle {
  /** The bundled CLI: run it as `node FILE ARGS`. */
  file: string;
  rebuild(): Promise<void>;
  remove(): void;
}

// Bundled code runs from another directory, so each file's own location is
// written in where it asks for it (embedded-initialise.js beside
// embedded-postgres.ts, package.json beside versions.ts, a package's assets
// beside its code), and reads the same files as it would unbundled.
const keepFileLocations: Plugin = {
  name: 'keep-file-locations',
  setup(b) {
    b.onLoad({ filter: /\.(ts|js|mjs|cjs)$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const usesMeta = source.includes('import.meta');
      const usesDirname = source.includes('__dirname') || source.includes('__filename');
      if (!usesMeta && !usesDirname) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      const dirname = JSON.stringify(path.dirname(args.path));
      const filename = JSON.stringify(args.path);
      let contents = source
        .replaceAll('import.meta.url', url)
        .replaceAll('import.meta.dirname', dirname)
        .replaceAll('import.meta.filename', filename);
      // CommonJS code reads __dirname; in an ES module bundle it does not exist.
      if (usesDirname) contents = `var __dirname = ${dirname}, __filename = ${filename};\n${contents}`;
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

export async function buildCliBundle(): Promise<CliBundle> {
  // Left out of the bundle, loaded from node_modules as usual: the packages
  // that find their own WebAssembly or binaries on disk at run time.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-cli-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, 'airlock.mjs');
  const rebuild = async () => {
    await build({
      entryPoints: { airlock: MAIN },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      // Each command's module in its own chunk, loaded when that command runs (src/cli/main.ts).
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      external: ['libpg-query', 'embedded-postgres', '@embedded-postgres/*', 'pgsql-deparser'],
      // Bundled CommonJS packages still require() Node's built-in modules.
      banner: { js: "import { createRequire as __airlockCreateRequire } from 'node:module'; const require = __airlockCreateRequire(import.meta.url);" },
      plugins: [keepFileLocations],
      logLevel: 'error',
    });
  };
  await rebuild();
  return { file, rebuild, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
