// Bundles Electron main, the archive worker thread, the ingest worker and the preload into
// dist-electron/ with esbuild: main and workers as ES modules for Node (npm packages stay
// external: electron-builder ships node_modules, and native modules cannot be bundled), the
// preload as CommonJS with everything but 'electron' inlined, as a sandboxed preload requires.
// The ingest pool finds its worker as ./worker.mjs beside the archive worker bundle.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist-electron`;
rmSync(out, { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  logLevel: 'info',
  absWorkingDir: root,
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

await build({ ...node, entryPoints: { main: 'electron/main/index.ts', 'archive-worker': 'electron/main/archive-worker.ts', worker: 'electron/core/ingest/task.ts' }, outdir: out, outExtension: { '.js': '.mjs' } });
await build({
  bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['electron'], sourcemap: true, logLevel: 'info', absWorkingDir: root,
  entryPoints: { preload: 'electron/preload/index.ts' }, outdir: out, outExtension: { '.js': '.cjs' }, minify: true,
});
