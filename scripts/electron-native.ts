// Builds the SQLite driver(s) for Electron's ABI into native/electron-<v>-<platform>-<arch>/<pkg>/,
// beside (never over) the Node build npm installed in node_modules/<pkg>/build/Release, which the
// CLI and the tests keep using. Per package: skip when the manifest, the file's sha256 and the
// ABI the file exports all match; else fetch the package's prebuilt for Electron from its GitHub
// releases (prebuild-install --runtime electron), else compile it with node-gyp against
// Electron's headers. Both run in a staging copy of the package, so node_modules is untouched.
// Run by `npm start` (scripts/electron-native.mjs) and `npm run dist` (with --prune).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ELECTRON_NATIVE_PACKAGES, NATIVE_ADDON_FILE, SQLITE_DRIVER, NATIVE_MANIFEST_FILE, addonAbi, electronAddonPath, electronNativeFolder,
  type ElectronTarget, type NativeManifest,
} from '../electron/core/db/native-binding.ts';

/** Where Electron's headers are downloaded from (node-gyp --dist-url), as @electron/rebuild does. */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
/** A fetch that gets no answer is given up after this long (ms), and compiling is tried. */
export const FETCH_TIMEOUT_MS = 120_000;

/** One command the script runs: `command args…` in `cwd`. */
export interface NativeCommand {
  kind: 'fetch' | 'compile';
  command: string;
  args: string[];
  cwd: string;
  timeoutMs?: number;
}

/** What the script does for one package. */
export interface PackagePlan {
  package: string;
  packageVersion: string;
  /** The package folder in node_modules (its Node build stays there). */
  source: string;
  /** Where the Electron build goes. */
  dest: string;
  action: 'skip' | 'build';
  reason: string;
  /** Tried in order until one yields an addon exporting the target ABI. */
  attempts: NativeCommand[];
}

export interface NativePlan {
  target: ElectronTarget;
  nativeDir: string;
  manifestFile: string;
  packages: PackagePlan[];
}

export interface TargetOptions {
  /** Electron version instead of node_modules/electron's (tests, cross builds). */
  electronVersion?: string;
  platform?: string;
  arch?: string;
}

/**
 * The Electron target: the version in `<root>/node_modules/electron/package.json` (or
 * `opts.electronVersion`), its ABI from node-abi, checked against node_modules/electron/abi_version
 * when that file is there. Throws naming the file when Electron is not installed, or when node-abi
 * does not know the version and no abi_version file says it.
 */
export function readElectronTarget(root: string, opts: TargetOptions = {}): ElectronTarget {
  const electronPkg = join(root, 'node_modules', 'electron', 'package.json');
  let electronVersion = opts.electronVersion;
  if (!electronVersion) {
    if (!existsSync(electronPkg)) throw new Error(`${electronPkg}: Electron is not installed (run npm install)`);
    electronVersion = (JSON.parse(readFileSync(electronPkg, 'utf8')) as { version: string }).version;
  }
  const abiFile = join(root, 'node_modules', 'electron', 'abi_version');
  const shipped = !opts.electronVersion && existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null;
  let abi: string | null = null;
  try {
    const nodeAbi = createRequire(join(root, 'package.json'))('node-abi') as { getAbi(target: string, runtime: string): string };
    abi = nodeAbi.getAbi(electronVersion, 'electron');
  } catch (e) {
    if (!shipped) throw new Error(`node-abi does not know the ABI of Electron ${electronVersion} (${e instanceof Error ? e.message : String(e)}); update node-abi`);
  }
  if (abi && shipped && abi !== shipped) throw new Error(`${abiFile}: Electron ${electronVersion} says ABI ${shipped}, node-abi says ${abi}; update node-abi`);
  return { electronVersion, abi: (abi ?? shipped)!, platform: opts.platform ?? process.platform, arch: opts.arch ?? process.arch };
}

/** SHA-256 of a file, lowercase hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The manifest of `folder`, or null when absent or unreadable. */
export function readManifest(file: string): NativeManifest | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as NativeManifest;
  } catch {
    return null;
  }
}

export interface PlanOptions {
  root: string;
  target: ElectronTarget;
  /** Default `<root>/native`. */
  nativeDir?: string;
  /** Packages to build; default the installed ones of ELECTRON_NATIVE_PACKAGES. */
  packages?: readonly string[];
  /** Try the prebuilt download first (default true). */
  fetch?: boolean;
  /** Rebuild even when up to date. */
  force?: boolean;
  /** node-gyp's CLI; default $npm_config_node_gyp (npm's own, under npm scripts) or node_modules/node-gyp. */
  nodeGyp?: string;
  /** Folder for Electron's headers (node-gyp --devdir); default ~/.electron-gyp, apart from Node's. */
  devDir?: string;
  env?: Record<string, string | undefined>;
}

/** Why `dest` is not an up-to-date build of `pkg@version` for `target`, or null when it is. */
function staleness(dest: string, manifest: NativeManifest | null, pkg: string, version: string, target: ElectronTarget): string | null {
  if (!existsSync(dest)) return `${dest} does not exist`;
  const entry = manifest?.packages[pkg];
  if (!manifest || !entry) return `no manifest entry for ${pkg}`;
  if (manifest.electronVersion !== target.electronVersion || manifest.abi !== target.abi) return `manifest is for Electron ${manifest.electronVersion} (ABI ${manifest.abi})`;
  if (entry.packageVersion !== version) return `built from ${pkg}@${entry.packageVersion}, installed is ${version}`;
  if (sha256File(dest) !== entry.sha256) return `${dest} differs from the manifest (sha256)`;
  const abi = addonAbi(readFileSync(dest));
  if (abi !== target.abi) return `${dest} exports ABI ${abi ?? 'unknown'}, not ${target.abi}`;
  return null;
}

/**
 * Decides, without running anything, what building the Electron copies for `opts.target` takes:
 * per package 'skip' (with the reason it is up to date) or 'build' with the fetch and compile
 * commands to try. Throws when a listed package is not installed.
 */
export function planNative(opts: PlanOptions): NativePlan {
  const { root, target } = opts;
  const env = opts.env ?? process.env;
  const nativeDir = opts.nativeDir ?? join(root, 'native');
  const folder = join(nativeDir, electronNativeFolder(target));
  const manifestFile = join(folder, NATIVE_MANIFEST_FILE);
  const manifest = readManifest(manifestFile);
  const requireFromRoot = createRequire(join(root, 'package.json'));
  const packages = opts.packages ?? ELECTRON_NATIVE_PACKAGES.filter((p) => existsSync(join(root, 'node_modules', p, 'package.json')));
  const nodeGyp = opts.nodeGyp ?? env.npm_config_node_gyp ?? requireFromRoot.resolve('node-gyp/bin/node-gyp.js');
  const devDir = opts.devDir ?? join(homedir(), '.electron-gyp');
  return {
    target,
    nativeDir,
    manifestFile,
    packages: packages.map((pkg): PackagePlan => {
      const source = join(root, 'node_modules', pkg);
      const pkgJson = join(source, 'package.json');
      if (!existsSync(pkgJson)) throw new Error(`${pkgJson}: ${pkg} is not installed (run npm install)`);
      const packageVersion = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
      const dest = electronAddonPath(nativeDir, target, pkg);
      const stale = opts.force ? 'forced (--force)' : staleness(dest, manifest, pkg, packageVersion, target);
      if (!stale) return { package: pkg, packageVersion, source, dest, action: 'skip', reason: `up to date (${pkg}@${packageVersion}, Electron ${target.electronVersion}, ABI ${target.abi})`, attempts: [] };
      const stage = join(nativeDir, '.build', electronNativeFolder(target), pkg);
      const attempts: NativeCommand[] = [];
      if (opts.fetch ?? true) {
        const prebuildInstall = createRequire(pkgJson).resolve('prebuild-install/bin.js');
        attempts.push({
          kind: 'fetch', command: process.execPath, cwd: stage, timeoutMs: FETCH_TIMEOUT_MS,
          args: [prebuildInstall, '--runtime', 'electron', '--target', target.electronVersion, '--platform', target.platform, '--arch', target.arch, '--verbose'],
        });
      }
      attempts.push({
        kind: 'compile', command: process.execPath, cwd: stage,
        args: [nodeGyp, 'rebuild', '--release', '--runtime=electron', `--target=${target.electronVersion}`, `--arch=${target.arch}`, `--dist-url=${ELECTRON_HEADERS_URL}`, `--devdir=${devDir}`],
      });
      return { package: pkg, packageVersion, source, dest, action: 'build', reason: stale, attempts };
    }),
  };
}

/** Runs one command; resolves on exit code 0, rejects otherwise (or on timeout). */
export type Exec = (c: NativeCommand) => Promise<void>;

/** Exec with inherited stdio, for the real run. */
export const spawnExec: Exec = (c) => new Promise((resolve, reject) => {
  const child = spawn(c.command, c.args, { cwd: c.cwd, stdio: 'inherit' });
  const timer = c.timeoutMs ? setTimeout(() => child.kill(), c.timeoutMs) : null;
  child.on('error', (e) => reject(e));
  child.on('exit', (code, signal) => {
    if (timer) clearTimeout(timer);
    if (code === 0) resolve();
    else reject(new Error(`${c.kind} exited with ${signal ?? `code ${code}`}`));
  });
});

/** Copies what a command needs into the staging folder: package.json to fetch; the sources too to compile. */
function prepareStage(p: PackagePlan, c: NativeCommand): void {
  rmSync(c.cwd, { recursive: true, force: true });
  mkdirSync(c.cwd, { recursive: true });
  const names = c.kind === 'fetch' ? ['package.json'] : ['package.json', 'binding.gyp', 'src', 'deps'];
  for (const n of names) if (existsSync(join(p.source, n))) cpSync(join(p.source, n), join(c.cwd, n), { recursive: true });
}

export interface PackageOutcome {
  package: string;
  action: 'skipped' | 'prebuilt' | 'compiled' | 'failed';
  dest: string;
  sha256?: string;
  /** For 'failed': each attempt's error and what a build needs. */
  error?: string;
}

/** What a failed build says the machine needs. */
export const BUILD_NEEDS = 'Downloading needs access to github.com; compiling needs Python 3, a C++20 compiler (Linux: build-essential; macOS: Xcode command line tools; '
  + 'Windows: Visual Studio Build Tools with "Desktop development with C++") and access to electronjs.org for the headers.';

/**
 * Carries out `plan`: for each package to build, tries its attempts in order (each in a fresh
 * staging copy), takes the first addon that exports the target ABI, copies it to its `dest`,
 * and records version, ABI and sha256 in the manifest. A package none of whose attempts works
 * is reported 'failed' with each attempt's error and BUILD_NEEDS; the others still go on.
 */
export async function runNative(plan: NativePlan, exec: Exec = spawnExec): Promise<PackageOutcome[]> {
  const outcomes: PackageOutcome[] = [];
  for (const p of plan.packages) {
    if (p.action === 'skip') {
      outcomes.push({ package: p.package, action: 'skipped', dest: p.dest });
      continue;
    }
    const tried: string[] = [];
    let built: PackageOutcome | null = null;
    for (const c of p.attempts) {
      try {
        prepareStage(p, c);
        await exec(c);
        const out = join(c.cwd, 'build', 'Release', NATIVE_ADDON_FILE);
        if (!existsSync(out)) throw new Error(`${out} was not produced`);
        const abi = addonAbi(readFileSync(out));
        if (abi !== plan.target.abi) throw new Error(`${out} exports ABI ${abi ?? 'unknown'}, not ${plan.target.abi}`);
        mkdirSync(dirname(p.dest), { recursive: true });
        cpSync(out, `${p.dest}.tmp`);
        renameSync(`${p.dest}.tmp`, p.dest);
        built = { package: p.package, action: c.kind === 'fetch' ? 'prebuilt' : 'compiled', dest: p.dest, sha256: sha256File(p.dest) };
        break;
      } catch (e) {
        tried.push(`${c.kind}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        rmSync(c.cwd, { recursive: true, force: true });
      }
    }
    if (!built) {
      const t = plan.target;
      outcomes.push({ package: p.package, action: 'failed', dest: p.dest, error: `${p.package}@${p.packageVersion} for Electron ${t.electronVersion} (ABI ${t.abi}, ${t.platform}-${t.arch}): ${tried.join('; ')}. ${BUILD_NEEDS}` });
      continue;
    }
    const m = readManifest(plan.manifestFile);
    const same = m && m.electronVersion === plan.target.electronVersion && m.abi === plan.target.abi;
    const manifest: NativeManifest = { ...plan.target, packages: { ...(same ? m.packages : {}), [p.package]: { packageVersion: p.packageVersion, sha256: built.sha256!, source: built.action === 'prebuilt' ? 'prebuilt' : 'compiled' } } };
    writeFileSync(plan.manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    outcomes.push(built);
  }
  rmSync(join(plan.nativeDir, '.build'), { recursive: true, force: true });
  return outcomes;
}

/** Removes builds in `nativeDir` for other targets than `keep`, so `npm run dist` ships one; returns the removed folder names. */
export function pruneNative(nativeDir: string, keep: ElectronTarget): string[] {
  if (!existsSync(nativeDir)) return [];
  const removed = readdirSync(nativeDir).filter((n) => (n.startsWith('electron-') && n !== electronNativeFolder(keep)) || n === '.build');
  for (const n of removed) rmSync(join(nativeDir, n), { recursive: true, force: true });
  return removed;
}

/**
 * The command line: `node scripts/electron-native.mjs [--dry-run] [--no-fetch] [--force] [--prune]
 * [--electron-version V] [--platform P] [--arch A] [--native-dir D]`. --dry-run prints the plan as
 * JSON and runs nothing. Returns the exit code: 1 when the build of SQLITE_DRIVER (the one the app
 * loads) failed; another package's failure is only reported.
 */
export async function main(argv: string[], root: string, exec: Exec = spawnExec, log: (s: string) => void = console.log): Promise<number> {
  const flag = (n: string) => argv.includes(n);
  const value = (n: string) => {
    const i = argv.indexOf(n);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const target = readElectronTarget(root, { electronVersion: value('--electron-version'), platform: value('--platform'), arch: value('--arch') });
  const plan = planNative({ root, target, nativeDir: value('--native-dir'), fetch: !flag('--no-fetch'), force: flag('--force') });
  if (flag('--dry-run')) {
    log(JSON.stringify(plan, null, 2));
    return 0;
  }
  if (flag('--prune')) for (const n of pruneNative(plan.nativeDir, target)) log(`electron-native: removed ${join(plan.nativeDir, n)} (another target)`);
  for (const p of plan.packages) log(`electron-native: ${p.package}: ${p.action === 'skip' ? p.reason : `building (${p.reason})`}`);
  if (plan.packages.every((p) => p.action === 'skip')) return 0;
  let code = 0;
  for (const o of await runNative(plan, exec)) {
    if (o.action === 'failed') {
      log(`electron-native: ${o.package === SQLITE_DRIVER ? 'error' : 'warning (the app does not load it)'}: could not build ${o.error}`);
      if (o.package === SQLITE_DRIVER) code = 1;
    } else if (o.action !== 'skipped') log(`electron-native: ${o.package}: ${o.action} → ${o.dest}`);
  }
  return code;
}
