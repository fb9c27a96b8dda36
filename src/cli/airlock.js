#!/usr/bin/env node
// The `airlock` bin. Registers tsx so the TypeScript sources run as they are
// (no build step to forget), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
