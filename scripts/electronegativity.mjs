#!/usr/bin/env node
// Electronegativity (Doyensec's checker for Electron misconfigurations) over the Electron code:
// main, preload, the common modules they share (the CSP), and the renderer's HTML (and its build
// when present). Run by `npm run check:electron` (exit 1 on a HIGH or CRITICAL finding) and by
// tests/unit/electronegativity.test.ts within `npm test`.
//
// Its CLI (dist/index.js) cannot run: it imports `commander` without declaring it, so it gets our
// commander 14, whose API it does not know ("_commander2.default.version is not a function"). An
// npm `overrides` entry cannot add an undeclared dependency, so we call its programmatic API
// (dist/runner.js), which takes the same options.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Checks left out, each with why. Everything else runs.
 * - AvailableSecurityFixesGlobalCheck fetches Electron's release list from GitHub on every run:
 *   offline (CI, this machine) it waits for the network and then says nothing. Staying on a
 *   patched Electron is a dependency-update matter (npm outdated / the release checklist).
 */
export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/** The severities that fail the check. */
export const FAILING = ['HIGH', 'CRITICAL'];

/** What is scanned, relative to the repository: copied into one folder so global checks see it all. */
export const SCANNED = ['electron/main', 'electron/preload', 'electron/common', 'renderer/index.html', 'renderer/dist', 'package.json'];

/**
 * Makes electronegativity's HTTP client (got, resolved from its own folder) fail at once: it
 * would fetch translations from S3 (its English is built in) with retries, and, for the check
 * excluded above, Electron's release list. Offline CI and this machine would wait on both.
 */
function keepOffline() {
  const from = dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const gotPath = createRequire(join(from, 'dist', 'runner.js')).resolve('got');
  const offline = () => Promise.reject(new Error('electronegativity runs offline here'));
  offline.head = offline;
  offline.get = offline;
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: Object.assign(offline, { default: offline }) };
}

/**
 * Runs electronegativity over SCANNED (those present) under `root`, with the Electron version of
 * node_modules/electron (or `opts.electronVersion`); resolves to `{ issues, errors, checks }` where each issue is
 * `{ id, severity, confidence, file, line, manualReview, description }` (file relative to the
 * repository). Makes no network request (see keepOffline).
 */
export async function scanElectron(root = fileURLToPath(new URL('..', import.meta.url)), opts = {}) {
  keepOffline();
  const mod = require('@doyensec/electronegativity');
  const run = mod.default ?? mod;
  const stage = mkdtempSync(join(tmpdir(), 'evidence-electronegativity-'));
  try {
    for (const rel of SCANNED) if (existsSync(join(root, rel))) cpSync(join(root, rel), join(stage, rel), { recursive: true });
    const electronVersion = opts.electronVersion ?? JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
    const result = await run({
      input: stage,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
      isRelative: true,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    }, false);
    const issues = result.issues.map((i) => ({
      id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file, line: i.location.line, manualReview: Boolean(i.manualReview), description: i.description,
    }));
    return { issues, errors: result.errors, checks: result.globalChecks + result.atomicChecks, electronVersion };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { issues, errors, checks, electronVersion } = await scanElectron();
  console.log(`electronegativity: ${checks} checks, Electron ${electronVersion}, excluded: ${EXCLUDED_CHECKS.join(', ')}`);
  for (const e of errors) console.log(`  could not parse ${e.file}: ${e.message}`);
  for (const i of issues) console.log(`  ${i.severity.padEnd(13)} ${i.id} ${i.file}:${i.line}${i.manualReview ? ' (review)' : ''}`);
  const failing = issues.filter((i) => FAILING.includes(i.severity));
  console.log(failing.length ? `electronegativity: ${failing.length} HIGH or CRITICAL finding(s)` : 'electronegativity: no HIGH or CRITICAL finding');
  process.exitCode = failing.length || errors.some((e) => !e.tolerable) ? 1 : 0;
}
