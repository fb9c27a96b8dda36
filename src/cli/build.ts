import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * The compiled CLI the bin runs. The sources stay TypeScript (tests and
 * `tsx` run them as they are); `npm install` runs this (the `prepare`
 * script) to bundle src/cli/main.ts into one CommonJS file with esbuild, and
 * the bin rebuilds it by itself when a source changed since (it compares
 * every bundled source file's size and modification time with the build's
 * list, so an edit is never run stale).
 *
 * Why a bundle: through tsx's loader hooks, LangGraph, LangChain, zod and pg
 * load as thousands of separate files and every command paid 1.4–1.6 s
 * before it did anything. Why esbuild: tsx already runs on it (no second
 * compiler), and it bundles in about a second. Why one CommonJS file rather
 * than ES module chunks: V8's code cache (run-built.cjs) works on a script,
 * and esbuild still turns each command's `import()` into a module that is
 * only evaluated when that command runs.
 *
 * The layout, under node_modules/.cache/airlock-cli/CHECKOUT/ (npm leaves
 * dot folders in node_modules alone, and a clean install starts without one;
 * CHECKOUT is a hash of the checkout's path, as worktrees may share one
 * node_modules):
 *   current.json   which build is current, and the inputs it was built from
 *   BUILD/airlock.cjs, run.cjs, cache/COMMAND.bin (V8's code cache, one per command)
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const LOADER = path.join(ROOT, 'src/cli/run-built.cjs');
// One folder per checkout: worktrees that share a node_modules keep a build each.
export const BUILDS = path.join(ROOT, 'node_modules/.cache/airlock-cli', crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 16));
export const CURRENT = path.join(BUILDS, 'current.json');

/** What current.json holds. The bin (src/cli/airlock.js) reads it on every start. */
export interface CurrentBuild {
  /** The checkout the build was made from: a moved checkout builds again. */
  root: string;
  /** The build's folder, under BUILDS. */
  dir: string;
  /** Every input outside node_modules, relative to root: [path, mtimeMs, size]. */
  inputs: [string, number, number][];
}

// The bundle runs from another directory, so each file's own location is
// written in where it asks for it (embedded-initialise.js beside
// embedded-postgres.ts, package.json beside versions.ts, a package's assets
// beside its code), and it reads the same files as it would unbundled.
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
      // An ES module's code may read __dirname only where it defines it itself.
      if (usesDirname && !args.path.endsWith('.cjs')) contents = `var __dirname = ${dirname}, __filename = ${filename};\n${contents}`;
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * pg asks, when it loads, whether it runs on Cloudflare Workers: on Node 20
 * (no global navigator) by constructing a Response, which loads Node's whole
 * fetch implementation, 20 ms of CPU on every command that opens a database.
 * The CLI runs on Node only, so in the bundle the answer is written in. When
 * a new pg reads differently, the build is left as pg wrote it.
 */
const pgRunsOnNode: Plugin = {
  name: 'pg-runs-on-node',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const asked = 'function isCloudflareRuntime() {';
      if (!source.includes(asked)) return undefined;
      return { contents: source.replace(asked, `${asked}\n  return false;`), loader: 'js' };
    });
  },
};

/**
 * The packages left out of the bundle, loaded from node_modules as usual: the
 * embedded server's binaries are found on disk by their package. (The
 * parser and the deparser are bundled, so that V8's code cache covers their
 * JavaScript too; the parser finds its WebAssembly by the __dirname that
 * keepFileLocations writes in.)
 */
const EXTERNAL = ['embedded-postgres', '@embedded-postgres/*'];

/**
 * Bundle the CLI into `outdir` (airlock.cjs, its loader run.cjs) and run it
 * once for `--version` and `--help`, which writes their code caches.
 * Returns the inputs, for current.json. `outdir` needs node_modules
 * reachable from it (under the checkout's, or a link to it).
 */
export async function buildCli(outdir: string): Promise<CurrentBuild['inputs']> {
  fs.mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [MAIN],
    outfile: path.join(outdir, 'airlock.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    external: EXTERNAL,
    plugins: [pgRunsOnNode, keepFileLocations],
    // Comments and indentation out (a fifth of the bytes to read and parse on
    // every start); names kept, so stack traces and `.name` read as in the sources.
    minifyWhitespace: true,
    minifySyntax: true,
    // ASCII only, so the loader can read it as one-byte text without decoding UTF-8.
    charset: 'ascii',
    metafile: true,
    logLevel: 'error',
  });
  const bundle = fs.readFileSync(path.join(outdir, 'airlock.cjs'));
  if (bundle.some((byte) => byte > 0x7f)) throw new Error('the bundle is not ASCII, and run-built.cjs reads it as one-byte text; check esbuild\'s charset option');
  fs.copyFileSync(LOADER, path.join(outdir, 'run.cjs'));
  fs.rmSync(path.join(outdir, 'cache'), { recursive: true, force: true });
  // The first run of each command writes its code cache; these two (no
  // database needed) are written now, and prove the build runs at all.
  for (const args of [['--version'], ['--help']]) {
    const warm = spawnSync(process.execPath, [path.join(outdir, 'run.cjs'), ...args], { stdio: 'ignore', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
    if (warm.status !== 0) throw new Error(`the built CLI did not run (airlock ${args.join(' ')} exited ${warm.status ?? warm.signal}); run "npm run build" to see why`);
  }
  const sources = Object.keys(result.metafile.inputs).filter((input) => !input.split('/').includes('node_modules'));
  return ['package.json', 'package-lock.json', 'src/cli/run-built.cjs', ...sources].flatMap((input) => {
    const stat = fs.statSync(path.join(ROOT, input), { throwIfNoEntry: false });
    return stat ? [[input, stat.mtimeMs, stat.size] as [string, number, number]] : [];
  });
}

/**
 * Build into a new folder and make it current (current.json is replaced by a
 * rename, so a start never reads half of it); builds older than the one
 * before are removed. Returns the new build's folder.
 */
export async function installBuild(): Promise<string> {
  const dir = crypto.randomUUID();
  const outdir = path.join(BUILDS, dir);
  const inputs = await buildCli(outdir);
  const current: CurrentBuild = { root: ROOT, dir, inputs };
  const partial = `${CURRENT}.${process.pid}`;
  fs.mkdirSync(BUILDS, { recursive: true });
  fs.writeFileSync(partial, JSON.stringify(current));
  let previous: string | undefined;
  try {
    previous = (JSON.parse(fs.readFileSync(CURRENT, 'utf8')) as CurrentBuild).dir;
  } catch {
    previous = undefined;
  }
  fs.renameSync(partial, CURRENT);
  // The build before stays: a process that read current.json just before the rename may still be loading it.
  for (const entry of fs.readdirSync(BUILDS, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== dir && entry.name !== previous) fs.rmSync(path.join(BUILDS, entry.name), { recursive: true, force: true });
  }
  return outdir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  try {
    const outdir = await installBuild();
    console.log(`airlock: built the CLI in ${path.relative(ROOT, outdir)}`);
  } catch (error) {
    console.error(`airlock: could not build the CLI: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
