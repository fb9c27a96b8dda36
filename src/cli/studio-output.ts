import { stripVTControlCharacters } from 'node:util';

/**
 * The LangGraph dev server warns on every start that
 * `@langchain/langgraph-checkpoint` 1.2.x is "not up to date": its API
 * server (2.0) declares `~0.0.16 || ^0.1.0 || ~1.0.0`, while
 * checkpoint-postgres 1.0.5 needs `^1.1.4`. package.json's overrides give
 * every package the one 1.2 copy. When that is exactly what the warning is
 * about, and the API server and the graphs really load the same copy, the
 * warning is replaced by one line that says so; any other version warning
 * passes through untouched.
 */
export interface CheckpointCopies {
  /** The installed @langchain/langgraph-checkpoint version. */
  version: string;
  /** Whether the API server, @langchain/langgraph and checkpoint-postgres all resolve the same file. */
  oneCopy: boolean;
}

const WARNING = 'Some LangGraph.js dependencies are not up to date';

export function knownCheckpointNote(copies: CheckpointCopies): string {
  return `studio: @langchain/langgraph-api 2.0 asks for @langchain/langgraph-checkpoint ~1.0; Airlock installs ${copies.version} (what checkpoint-postgres needs) as the only copy, and the API server and the graphs load that same copy, so its "not up to date" warning is expected (README: Studio)`;
}

/** Is `detail` (the warning's second line) about our checkpoint copy and nothing else? */
function onlyOurCheckpoint(detail: string, copies: CheckpointCopies): boolean {
  const text = stripVTControlCharacters(detail);
  const match = /\{ '@langchain\/langgraph-checkpoint': \{ version: '([^']+)', required: '[^']*' \} \}\s*$/.exec(text);
  return Boolean(match) && match![1] === copies.version && copies.oneCopy && (text.match(/'@langchain\//g) ?? []).length === 1;
}

/** A line-by-line filter over the dev server's output: returns the lines to print for each line read. */
export function studioOutputFilter(copies: CheckpointCopies): (line: string) => string[] {
  let held: string | undefined;
  return (line) => {
    if (held !== undefined) {
      const warning = held;
      held = undefined;
      return onlyOurCheckpoint(line, copies) ? [knownCheckpointNote(copies)] : [warning, line];
    }
    if (stripVTControlCharacters(line).includes(WARNING)) {
      held = line;
      return [];
    }
    return [line];
  };
}
