// Builds resources/verify/VERIFY.html: the in-browser verifier every exported evidence set
// carries as a tag file. One self-contained HTML file — script and style inline, a CSP that
// allows no network at all — bundled by esbuild from electron/verifier-web/. The output is
// committed; tests/unit/verifier-html-build.test.ts fails when it is stale.
//   node scripts/build-verifier.mjs          (npm run build:verifier)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const VERIFY_HTML = `${root}resources/verify/VERIFY.html`;
const SRC = `${root}electron/verifier-web/`;
/** Larger than this and something unexpected was bundled. */
const MAX_BYTES = 300 * 1024;

/** The HTML text of VERIFY.html, built from the sources (deterministic: same sources, same bytes). */
export async function buildVerifierHtml() {
  const out = await build({
    absWorkingDir: root,
    entryPoints: [`${SRC}main.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // Current Chromium, Firefox and Safari (BigInt, optional chaining, File.slice().arrayBuffer()).
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const js = out.outputFiles[0].text.trim();
  const css = readFileSync(`${SRC}style.css`, 'utf8').trim();
  // An inline script ends at the first "</script" whatever quotes it sits in.
  if (/<\/script/iu.test(js) || /<\/style/iu.test(css)) throw new Error('build-verifier: the bundle contains a closing </script> or </style> tag');
  const page = readFileSync(`${SRC}page.html`, 'utf8');
  const html = page.replace('/*STYLE*/', () => css).replace('/*SCRIPT*/', () => js);
  const bytes = Buffer.byteLength(html);
  if (bytes > MAX_BYTES) throw new Error(`build-verifier: VERIFY.html is ${bytes} bytes, over the ${MAX_BYTES}-byte budget`);
  return html;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const html = await buildVerifierHtml();
  mkdirSync(`${root}resources/verify`, { recursive: true });
  writeFileSync(VERIFY_HTML, html);
  console.log(`build-verifier: wrote ${VERIFY_HTML} (${Buffer.byteLength(html)} bytes)`);
}
