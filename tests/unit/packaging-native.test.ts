// The packaging config against the real files: every native file (addon, shared library,
// executable) of the npm packages `npm run dist` ships must end up outside app.asar, no addon
// built for Node's ABI may ship, and the Electron build of the SQLite driver from native/ must
// be picked up. The patterns are evaluated with electron-builder's own FileMatcher (the class its
// packager uses for `files`, `asarUnpack` and `extraResources` filters); electron-builder itself
// is not run here (it would download Electron).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_NATIVE_PACKAGES, NATIVE_MANIFEST_FILE, SQLITE_DRIVER, addonAbi, electronAddonPath, electronNativeFolder } from '../../electron/core/db/native-binding.ts';
import { readElectronTarget } from '../../scripts/electron-native.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const require = createRequire(import.meta.url);
type Filter = (file: string, stat: Stats) => boolean;
interface FileMatcherClass {
  new (from: string, to: string, macroExpander: (s: string) => string, patterns?: string[]): { addPattern(p: string): void; prependPattern(p: string): void; createFilter(): Filter };
}
const { FileMatcher } = require('app-builder-lib/out/fileMatcher') as { FileMatcher: FileMatcherClass };
const yaml = require('js-yaml') as { load(s: string): unknown };

interface FileSet { from?: string; to?: string; filter?: string | string[] }
interface BuilderConfig { files: (string | FileSet)[]; asarUnpack: string[]; extraResources: FileSet[]; npmRebuild?: boolean; electronFuses?: Record<string, boolean> }
const config = yaml.load(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const same = (s: string) => s;

/** electron-builder's node_modules filter: only the `!` patterns of `files`, after `**\/*` (getNodeModuleFileMatcher). */
function nodeModulesFilter(): Filter {
  const m = new FileMatcher(REPO_ROOT, '/out', same);
  for (const p of config.files) if (typeof p === 'string' && p.startsWith('!')) m.addPattern(p);
  m.prependPattern('**/*');
  return m.createFilter();
}
const shipped = nodeModulesFilter();
const unpacked = new FileMatcher(REPO_ROOT, '/out', same, config.asarUnpack).createFilter();

/** The production dependency closure, as npm resolves it: logical path (node_modules/…) → package folder. */
function productionPackages(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (from: string, deps: Record<string, string>, optional: Set<string>) => {
    for (const name of Object.keys(deps)) {
      // From node_modules/a/node_modules/b look in …/b/node_modules, then outwards.
      let base = from;
      let hit: string | null = null;
      for (;;) {
        const candidate = join(base, 'node_modules', name);
        if (existsSync(join(REPO_ROOT, candidate, 'package.json'))) {
          hit = candidate;
          break;
        }
        if (base === '') break;
        const i = base.lastIndexOf(`${sep}node_modules${sep}`);
        base = i >= 0 ? base.slice(0, i) : '';
      }
      if (!hit) {
        if (optional.has(name)) continue; // another platform's optional build
        throw new Error(`${from || 'package.json'}: dependency ${name} is not installed`);
      }
      if (found.has(hit)) continue;
      found.set(hit, join(REPO_ROOT, hit));
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, hit, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      visit(hit, { ...pkg.dependencies, ...pkg.optionalDependencies }, new Set(Object.keys(pkg.optionalDependencies ?? {})));
    }
  };
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
  visit('', { ...root.dependencies, ...root.optionalDependencies }, new Set(Object.keys(root.optionalDependencies ?? {})));
  return found;
}

/** A Node addon, shared library or executable: by extension or by its ELF / Mach-O / PE header. */
function isNative(file: string): boolean {
  if (/\.(node|so(\.\d+)*|dylib|dll|exe)$/.test(file)) return true;
  const fd = openSync(file, 'r');
  const b = Buffer.alloc(4);
  const n = readSync(fd, b, 0, 4, 0);
  closeSync(fd);
  if (n < 4) return false;
  const magic = b.readUInt32BE(0);
  return magic === 0x7f454c46 || magic === 0xcffaedfe || magic === 0xcefaedfe || magic === 0xfeedfacf || magic === 0xcafebabe;
}

interface NativeFile { rel: string; abs: string; stat: Stats; pkg: string }
/** Every native file inside the shipped packages (nested node_modules are packages of their own). */
function nativeFiles(): NativeFile[] {
  const out: NativeFile[] = [];
  for (const [logical, dir] of productionPackages()) {
    const pkg = logical.slice(logical.lastIndexOf(`node_modules${sep}`) + 'node_modules/'.length).split(sep).join('/');
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const abs = join(d, e.name);
        if (e.name === 'node_modules') continue;
        const stat = statSync(abs);
        if (stat.isDirectory()) walk(abs);
        else if (stat.isFile() && isNative(abs)) out.push({ rel: relative(REPO_ROOT, abs).split(sep).join('/'), abs, stat, pkg });
      }
    };
    walk(dir);
  }
  return out;
}

describe('electron-builder.yml and the native files of the shipped packages', () => {
  const files = nativeFiles();

  it('finds the native parts we know of (so the checks below are not vacuous)', () => {
    const pkgs = new Set(files.map((f) => f.pkg));
    for (const p of [SQLITE_DRIVER, `@img/sharp-${process.platform}-${process.arch}`, `@koromix/koffi-${process.platform}-${process.arch}`, `@ffprobe-installer/${process.platform}-${process.arch}`]) {
      expect(pkgs, p).toContain(p);
    }
  });

  it('unpacks every native file that ships, and ships no addon bound to a V8 ABI', () => {
    const problems: string[] = [];
    for (const f of files) {
      if (!shipped(f.abs, f.stat)) continue;
      if (!unpacked(f.abs, f.stat)) problems.push(`${f.rel}: ships inside app.asar (add it to asarUnpack)`);
      if (f.rel.endsWith('.node')) {
        const abi = addonAbi(readFileSync(f.abs));
        if (abi !== 'napi') problems.push(`${f.rel}: an addon for ABI ${abi ?? 'unknown'} would ship (Electron cannot load it)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('leaves out only the SQLite drivers\' Node build (and compilers\' object files); the drivers are exactly the ABI-bound addons', () => {
    const leftOut = files.filter((f) => !shipped(f.abs, f.stat));
    expect(leftOut.length).toBeGreaterThan(0);
    const intermediate = /\/build\/Release\/(obj|obj\.target|\.deps)\//;
    for (const f of leftOut) expect(ELECTRON_NATIVE_PACKAGES.includes(f.pkg) || intermediate.test(f.rel), f.rel).toBe(true);
    const driver = files.find((f) => f.rel === `node_modules/${SQLITE_DRIVER}/build/Release/better_sqlite3.node`)!;
    expect(shipped(driver.abs, driver.stat)).toBe(false);
    // Which addons truly need an Electron-ABI build: those exporting node_register_module_v<ABI>.
    const abiBound = new Set(files.filter((f) => f.rel.endsWith('.node') && /^\d+$/.test(addonAbi(readFileSync(f.abs)) ?? '')).map((f) => f.pkg));
    expect([...abiBound].sort()).toEqual(ELECTRON_NATIVE_PACKAGES.filter((p) => existsSync(join(REPO_ROOT, 'node_modules', p))).sort());
  });

  it('ships the Electron build from native/ as a resource, and never its staging folder', () => {
    const entry = config.extraResources.find((r) => r.from === 'native');
    expect(entry?.to).toBe('native'); // main: join(process.resourcesPath, 'native')
    expect(readFileSync(join(REPO_ROOT, 'electron', 'main', 'index.ts'), 'utf8')).toContain("join(process.resourcesPath, 'native')");
    const nativeDir = join(REPO_ROOT, 'native');
    const filter = new FileMatcher(nativeDir, '/out', same, ([] as string[]).concat(entry!.filter ?? [])).createFilter();
    const fileStat = statSync(join(REPO_ROOT, 'package.json'));
    const target = readElectronTarget(REPO_ROOT);
    for (const pkg of ELECTRON_NATIVE_PACKAGES) expect(filter(electronAddonPath(nativeDir, target, pkg), fileStat), pkg).toBe(true);
    expect(filter(join(nativeDir, electronNativeFolder(target), NATIVE_MANIFEST_FILE), fileStat)).toBe(true);
    expect(filter(join(nativeDir, '.build', electronNativeFolder(target), SQLITE_DRIVER, 'build', 'Release', 'better_sqlite3.node'), fileStat)).toBe(false);
    // Real files, where a build exists on this machine.
    if (existsSync(nativeDir)) {
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
      for (const f of walk(nativeDir).filter((f) => f.endsWith('.node') && !f.includes(`${sep}.build${sep}`))) expect(filter(f, statSync(f)), f).toBe(true);
    }
  });

  it('does not let electron-builder rebuild, and `npm start` / `npm run dist` build the Electron copy first', () => {
    expect(config.npmRebuild).toBe(false);
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toMatch(/node scripts\/electron-native\.mjs && electron /);
    expect(scripts.dist).toMatch(/node scripts\/electron-native\.mjs --prune && electron-builder /);
  });

  it('flips the Electron fuses that let outsiders run the binary as Node or inject options', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, grantFileProtocolExtraPrivileges: false });
    // runAsNode off breaks child_process.fork in the app: nothing Electron runs may use it.
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    const forks = ['main', 'core', 'common'].flatMap((d) => walk(join(REPO_ROOT, 'electron', d))).filter((f) => /\bfork\(|ELECTRON_RUN_AS_NODE/.test(readFileSync(f, 'utf8')));
    expect(forks).toEqual([]);
  });
});
