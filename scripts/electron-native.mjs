#!/usr/bin/env node
// Builds the SQLite driver for Electron's ABI into native/ (see scripts/electron-native.ts, which
// this runs through tsx so that it shares electron/core/db/native-binding.ts with the app).
// `npm start` and `npm run dist` run it; by hand: `npm run native:electron -- --dry-run`.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const root = fileURLToPath(new URL('..', import.meta.url));
const { main } = await import('./electron-native.ts');
process.exitCode = await main(process.argv.slice(2), root);
