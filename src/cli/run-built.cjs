'use strict';
// The compiled CLI's loader, copied beside the bundle by src/cli/build.ts.
//
// It compiles the bundle (airlock.cjs) with V8's code cache: most of a
// command's start-up was V8 compiling LangGraph, LangChain, zod and pg from
// source, every run. Node 20 has no compile cache of its own
// (module.enableCompileCache is Node 22); vm.Script's cachedData is the API
// it builds on. One cache per command (cache/check.bin, cache/inbox.bin…):
// a cache holds what its run compiled, and V8 reads all of it back on every
// start, so `check` does not pay for reading LangGraph's code, nor
// `--version` for anything. The cache is V8's to judge: when it does not
// match this node's V8 or this bundle, V8 rejects it, the bundle compiles
// from source, and the cache is written again when the process exits.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.join(__dirname, 'airlock.cjs');

// The parser is 1.7 MB of WebAssembly. By default V8 compiles all of it at
// start, then again with its optimising compiler on background threads: half
// of `airlock check`'s CPU, for a command that parses a few statements.
// A command that ends when its work is done compiles each function only when
// first called, with the baseline compiler (the same code, run a little
// slower); `serve` keeps running and keeps V8's defaults. Set before the
// module compiles: V8 reads these flags when it compiles WebAssembly.
if (process.argv[2] !== 'serve') {
  const v8 = require('node:v8');
  v8.setFlagsFromString('--liftoff-only');
  v8.setFlagsFromString('--wasm-lazy-compilation');
}

/** The command this run is for, as a cache's name: `airlock db url` is db's, `airlock --version` version's. */
function commandOf(argv) {
  const first = argv[2] ?? 'help';
  const name = first.replace(/^--?/, '');
  const alias = { V: 'version', h: 'help' }[name] ?? name;
  return /^[a-z][a-z-]{0,19}$/.test(alias) ? alias : 'other';
}
const cacheFile = path.join(__dirname, 'cache', `${commandOf(process.argv)}.bin`);

// The build made it ASCII only (src/cli/build.ts checks): read as one-byte text, with no UTF-8 to decode.
const source = fs.readFileSync(bundle, 'latin1');
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// No importModuleDynamically: esbuild turns every import() it can see into a
// require, and Node 20 would print an experimental warning for the loader.
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });

if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    // Everything V8 compiled during this run goes into the cache. Written
    // whole or not at all (a rename), so a concurrent start never reads half.
    const partial = `${cacheFile}.${process.pid}`;
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(partial, script.createCachedData());
      fs.renameSync(partial, cacheFile);
    } catch {
      fs.rmSync(partial, { force: true });
    }
  });
}

const compiled = new Module(bundle, module);
compiled.filename = bundle;
compiled.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(compiled.exports, compiled.exports, Module.createRequire(bundle), compiled, bundle, __dirname);

/** Run the CLI on argv (process.argv's shape). */
exports.main = compiled.exports.main;

if (require.main === module) {
  compiled.exports.main(process.argv);
}
