#!/usr/bin/env node
// The `evidence` command. Uses the bundle that `npm install` prebuilds (dist/cli/) while it is
// newer than every source file; otherwise runs the TypeScript sources directly through tsx, so
// an edited checkout never runs stale code and there is no separate build step.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// A command runs for seconds, not hours: V8 optimising every function that gets a little warm
// cost ~0.6 s of CPU in an ingest of 2,000 photos (in the main thread and each worker's isolate),
// more than the optimised code saved. A larger interrupt budget leaves it to the truly hot code.
// Set before any other module loads, so the worker threads' isolates start with it too.
if (process.env.EVIDENCE_V8_DEFAULTS !== '1') setFlagsFromString('--interrupt-budget=1048576');

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
// Every piece of work holds the event loop open (a file read, a worker, a child process). If the
// loop ever empties while a command is still awaited, that is a defect in the program: the process
// would otherwise end with code 0 and no output, which reads as success. It ends as an internal
// error (exit 3) instead, and says so.
let finished = false;
process.exitCode = 3;
process.once('exit', (code) => {
  // process.exit(130) on a second Ctrl-C, or a crash's own exit code, is not this case.
  if (!finished && code === 3) process.stderr.write('evidence: internal error: the command stopped before it finished (nothing was left to wait for); its work is incomplete\n');
});
const code = await main(process.argv.slice(2));
finished = true;
process.exitCode = code;
