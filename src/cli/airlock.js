#!/usr/bin/env node
// The `airlock` bin. It runs the compiled CLI that `npm install` built
// (src/cli/build.ts, the `prepare` script), after checking that no bundled
// source changed since; when one did, or there is no build yet, it builds
// again first. Should the build itself fail, it runs the TypeScript sources
// through tsx, as slowly as before, rather than not at all.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
// As src/cli/build.ts names it: one folder per checkout.
const BUILDS = path.join(ROOT, 'node_modules/.cache/airlock-cli', createHash('sha256').update(ROOT).digest('hex').slice(0, 16));
const require = createRequire(import.meta.url);

/** The current build's folder, when every source it was built from is as it was then. */
function freshBuild() {
  let current;
  try {
    current = JSON.parse(fs.readFileSync(path.join(BUILDS, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (current.root !== ROOT || !Array.isArray(current.inputs)) return undefined;
  for (const [file, mtimeMs, size] of current.inputs) {
    const stat = fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs !== mtimeMs || stat.size !== size) return undefined;
  }
  return path.join(BUILDS, current.dir);
}

let built = freshBuild();
let cli;
if (!built) {
  (await import('tsx/esm/api')).register();
  try {
    built = await (await import('./build.ts')).installBuild();
  } catch {
    cli = await import('./main.ts');
  }
}
cli ??= require(path.join(built, 'run.cjs'));
await cli.main(process.argv);
