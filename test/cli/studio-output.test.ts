import { describe, expect, it } from 'vitest';
import { knownCheckpointNote, studioOutputFilter } from '../../src/cli/studio-output.ts';

// As the dev server prints them (colours included).
const WARNING = '\x1b[33mwarn\x1b[39m:    \x1b[33m\x1b[2m┏\x1b[22m\x1b[0m \x1b[0m\x1b[33mSome LangGraph.js dependencies are not up to date. Please make sure to update them to the required version.\x1b[39m';
const DETAIL = (packages: string) => `\x1b[2m\x1b[33mwarn\x1b[39m\x1b[22m:    \x1b[33m\x1b[2m┗\x1b[22m\x1b[0m \x1b[0m\x1b[2m[1]\x1b[22m { ${packages} }`;
const OURS = "\x1b[32m'@langchain/langgraph-checkpoint'\x1b[39m: { version: \x1b[32m'1.2.2'\x1b[39m, required: \x1b[32m'~0.0.16 || ^0.1.0 || ~1.0.0'\x1b[39m }";

function run(lines: string[], copies = { version: '1.2.2', oneCopy: true }): string[] {
  const filter = studioOutputFilter(copies);
  return lines.flatMap((line) => filter(line));
}

describe("npm run studio's output", () => {
  it('replaces the known checkpoint warning by one line saying why it is expected', () => {
    expect(run(['info: Starting server...', WARNING, DETAIL(OURS), 'info: Initializing storage...'])).toEqual([
      'info: Starting server...',
      knownCheckpointNote({ version: '1.2.2', oneCopy: true }),
      'info: Initializing storage...',
    ]);
  });

  it('passes every other version warning through untouched', () => {
    const core = "'@langchain/core': { version: '0.3.0', required: '^1.0.0' }";
    expect(run([WARNING, DETAIL(core)])).toEqual([WARNING, DETAIL(core)]);
    expect(run([WARNING, DETAIL(`${OURS}, ${core}`)])).toEqual([WARNING, DETAIL(`${OURS}, ${core}`)]);
    // Another checkpoint version than the installed one, or two copies loaded: the warning is real.
    expect(run([WARNING, DETAIL(OURS)], { version: '1.3.0', oneCopy: true })).toEqual([WARNING, DETAIL(OURS)]);
    expect(run([WARNING, DETAIL(OURS)], { version: '1.2.2', oneCopy: false })).toEqual([WARNING, DETAIL(OURS)]);
  });
});
