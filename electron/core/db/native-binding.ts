// Which compiled copy of the SQLite driver this process loads. better-sqlite3 is a V8-API addon
// (it exports node_register_module_v<ABI>), so a build for Node's ABI cannot load in Electron,
// whose ABI differs (Node 20: 115, Electron 45: 150). The Node build stays where npm put it, for
// the CLI and the tests; scripts/electron-native.mjs builds a second copy per Electron version
// into native/electron-<version>-<platform>-<arch>/<package>/, and inside Electron openDb passes
// that file to the driver's `nativeBinding` option. koffi and sharp are N-API addons (ABI-stable):
// their npm builds load in Electron unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The npm package openDb opens catalogs with. Switching driver (e.g. to
 * better-sqlite3-multiple-ciphers, same API) is this constant plus the import in open.ts; the
 * package must also be listed in ELECTRON_NATIVE_PACKAGES.
 */
export const SQLITE_DRIVER = 'better-sqlite3-multiple-ciphers';

/**
 * Every installed package whose addon is bound to one V8 ABI and therefore gets an Electron
 * build from scripts/electron-native.mjs (those not installed are skipped), SQLITE_DRIVER first:
 * it is the one the app loads, so its build runs first and its failure fails the script; the
 * other driver (plain better-sqlite3, which the tests still open archives with) is optional.
 * Both drivers name their addon better_sqlite3.node, hence a folder per package.
 */
export const ELECTRON_NATIVE_PACKAGES: readonly string[] = [
  SQLITE_DRIVER,
  ...['better-sqlite3', 'better-sqlite3-multiple-ciphers'].filter((p) => p !== SQLITE_DRIVER),
];

/** The addon's file name inside each package's build/Release and inside native/…/<package>/. */
export const NATIVE_ADDON_FILE = 'better_sqlite3.node';

/** The manifest beside the Electron builds of one target (version, ABI, sha256 per package). */
export const NATIVE_MANIFEST_FILE = 'manifest.json';

/**
 * The environment variable naming the native/ folder. Electron main sets it for the archive
 * worker (the repository's native/ under `npm start`, <resources>/native when packaged); worker
 * threads started later inherit it.
 */
export const NATIVE_DIR_ENV = 'EVIDENCE_NATIVE_DIR';

/** The command that builds the Electron copies (package.json script running scripts/electron-native.mjs). */
export const NATIVE_BUILD_COMMAND = 'npm run native:electron';

/** One Electron target: version (semver), ABI (NODE_MODULE_VERSION as a decimal string), platform, arch. */
export interface ElectronTarget {
  electronVersion: string;
  abi: string;
  platform: string;
  arch: string;
}

/** What native/<folder>/manifest.json records (written by scripts/electron-native.mjs). */
export interface NativeManifest extends ElectronTarget {
  packages: Record<string, { packageVersion: string; sha256: string; source: 'prebuilt' | 'compiled' }>;
}

/** The folder name of one target's builds: `electron-45.5.0-linux-x64`. */
export function electronNativeFolder(t: Pick<ElectronTarget, 'electronVersion' | 'platform' | 'arch'>): string {
  return `electron-${t.electronVersion}-${t.platform}-${t.arch}`;
}

/** `<nativeDir>/electron-<v>-<platform>-<arch>/<pkg>/better_sqlite3.node`. */
export function electronAddonPath(nativeDir: string, t: Pick<ElectronTarget, 'electronVersion' | 'platform' | 'arch'>, pkg: string = SQLITE_DRIVER): string {
  return join(nativeDir, electronNativeFolder(t), pkg, NATIVE_ADDON_FILE);
}

/**
 * The V8 ABI a compiled addon was built for, read from the symbol its module registration
 * exports (`node_register_module_v<ABI>`, present by name in ELF, Mach-O and PE export tables);
 * 'napi' for an N-API addon (`napi_register_module_v1`, loads under any ABI); null when neither
 * is found (not an addon, or an old-style one registering through a static constructor).
 */
export function addonAbi(bytes: Buffer): string | 'napi' | null {
  const m = /node_register_module_v(\d+)/.exec(bytes.toString('latin1'));
  if (m) return m[1]!;
  return bytes.includes('napi_register_module_v1') ? 'napi' : null;
}

/** Raised inside Electron when the driver's Electron build is absent or built for another ABI. */
export class NativeBindingMissingError extends Error {
  /** The addon file that was looked for. */
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'NativeBindingMissingError';
    this.file = file;
  }
}

/** The parts of `process` the choice depends on (a parameter so tests can fake Electron). */
export interface RuntimeInfo {
  versions: { electron?: string; modules: string };
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
}

const currentRuntime = (): RuntimeInfo => ({ versions: process.versions, platform: process.platform, arch: process.arch, env: process.env });

/**
 * The addon file `pkg` must be loaded from in this runtime: null under plain Node (the driver
 * then loads its own build/Release copy, as npm installed it), else the Electron build under
 * `$EVIDENCE_NATIVE_DIR`. Inside Electron throws NativeBindingMissingError, naming the file and
 * `npm run native:electron`, when EVIDENCE_NATIVE_DIR is unset, the file is missing, or its
 * exported ABI differs from `versions.modules`.
 */
export function nativeBindingPath(rt: RuntimeInfo = currentRuntime(), pkg: string = SQLITE_DRIVER): string | null {
  const electronVersion = rt.versions.electron;
  if (!electronVersion) return null;
  const target = { electronVersion, platform: rt.platform, arch: rt.arch };
  const label = `${pkg} built for Electron ${electronVersion} (ABI ${rt.versions.modules}, ${rt.platform}-${rt.arch})`;
  const fix = `run \`${NATIVE_BUILD_COMMAND}\` in the project folder (\`npm start\` runs it before launching); in an installed app the installation is incomplete: reinstall it`;
  const dir = rt.env[NATIVE_DIR_ENV];
  if (!dir) {
    const file = electronAddonPath('native', target, pkg);
    throw new NativeBindingMissingError(file, `${NATIVE_DIR_ENV} is not set, so the SQLite driver ${label} cannot be found (expected ${file} under it); ${fix}`);
  }
  const file = electronAddonPath(dir, target, pkg);
  if (!existsSync(file)) throw new NativeBindingMissingError(file, `${file}: the SQLite driver ${label} is missing; ${fix}`);
  const abi = addonAbi(readFileSync(file));
  if (abi !== 'napi' && abi !== rt.versions.modules) {
    throw new NativeBindingMissingError(file, `${file}: the SQLite driver there is built for ABI ${abi ?? 'unknown'}, not ${rt.versions.modules} (${label}); ${fix}`);
  }
  return file;
}

let cached: { nativeBinding?: string } | null = null;

/**
 * The options openDb adds to every `new Database(…)`: `{}` under Node, `{ nativeBinding: file }`
 * inside Electron (see nativeBindingPath, whose errors it throws). Decided once per thread.
 */
export function sqliteDriverOptions(): { nativeBinding?: string } {
  if (cached) return cached;
  const file = nativeBindingPath();
  cached = file ? { nativeBinding: file } : {};
  return cached;
}
