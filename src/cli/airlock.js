#!/usr/bin/env node
// The `airlock` bin. Registers tsx so the TypeScript sources run as they are
// (no build step to forget), then hands over to the CLI.
import { register } from 'tsx/esm/api';

// tsx's loader hooks slow every module load down (LangGraph's hundreds of files
// took 1.2 s instead of 0.5 s here). Load the big plain-JavaScript dependencies
// first, natively; the TypeScript sources then find them in the module cache.
await Promise.all([
  import('@langchain/langgraph'),
  import('@langchain/langgraph-checkpoint-postgres'),
  import('pg'),
  import('commander'),
]);
register();
await import('./main.ts');
