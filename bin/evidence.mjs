#!/usr/bin/env node
// The `evidence` command. Uses the bundle that `npm install` prebuilds (dist/cli/) while it is
// newer than every source file; otherwise runs the TypeScript sources directly through tsx, so
// an edited checkout never runs stale code and there is no separate build step.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function bundleIsFresh() {
  let built;
  try {
    built = statSync(`${root}dist/cli/main.mjs`).mtimeMs;
  } catch {
    return false;
  }
  for (const dir of ['electron/cli', 'electron/core', 'electron/common']) {
    for (const e of readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })) {
      if (e.isFile() && /\.(ts|mjs)$/.test(e.name) && statSync(`${e.parentPath}/${e.name}`).mtimeMs > built) return false;
    }
  }
  return true;
}

let main;
if (process.env.EVIDENCE_FROM_SOURCES !== '1' && bundleIsFresh()) {
  ({ main } = await import('../dist/cli/main.mjs'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../electron/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
