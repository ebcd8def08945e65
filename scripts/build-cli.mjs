// Prebuilds the `evidence` CLI and its ingest worker into dist/cli/ (run by `npm install` through
// the `prepare` script). bin/evidence.mjs uses the bundle while it is newer than every source file
// and otherwise runs the sources through tsx, so an edited checkout never runs stale code; the
// bundle only saves the ~1 s that compiling TypeScript in the main thread and in every worker
// thread costs each run. npm packages stay external (native modules cannot be bundled).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  console.warn('build-cli: esbuild is not installed; `evidence` will run the TypeScript sources through tsx');
  process.exit(0);
}
rmSync(`${root}dist/cli`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'electron/cli/main.ts', worker: 'electron/core/ingest/task.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Each command's module is its own chunk (commands/index.ts imports them on demand), so a
  // command loads only the code it runs. Chunks sit beside main.mjs and worker.mjs, where the
  // pool module's `new URL('./worker.mjs', import.meta.url)` finds the worker.
  splitting: true,
  // Pure-JS dependencies are bundled: every worker thread would otherwise resolve and load each
  // package again, and scan every CommonJS one for its exports. Native modules, packages that
  // find files beside themselves (ffprobe/ffmpeg binaries, piscina's worker, the face detector's
  // weights and tfjs's .wasm) and exceljs (loaded on first use) stay external.
  external: ['better-sqlite3-multiple-ciphers', 'sharp', '@ffprobe-installer/*', '@ffmpeg-installer/*', 'fluent-ffmpeg', 'piscina', 'exceljs', '@vladmandic/face-api', '@vladmandic/face-api/*', '@tensorflow/*', 'tsx', 'tsx/*', 'electron'],
  sourcemap: true,
  logLevel: 'warning',
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
