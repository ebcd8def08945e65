#!/usr/bin/env node
// The `evidence` command. Runs the TypeScript sources directly through tsx, so `npm install` is
// the only set-up step (no build); TypeScript is compiled on first use and cached by tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
