// Which compiled SQLite driver a process loads: under Node the one npm built (the CLI and these
// tests), inside Electron the Electron-ABI copy from native/ through the driver's
// nativeBinding option. Electron itself does not run here; `process.versions.electron` and the
// ABI are faked through nativeBindingPath's RuntimeInfo parameter.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrationSteps, openDb } from '../../electron/core/db/open.ts';
import {
  ELECTRON_NATIVE_PACKAGES, NATIVE_DIR_ENV, NativeBindingMissingError, SQLITE_DRIVER, addonAbi, electronAddonPath, nativeBindingPath, sqliteDriverOptions, type RuntimeInfo,
} from '../../electron/core/db/native-binding.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const require = createRequire(import.meta.url);
const NODE_BUILD = realpathSync(join(REPO_ROOT, 'node_modules', SQLITE_DRIVER, 'build', 'Release', 'better_sqlite3.node'));
const dir = mkdtempSync(join(tmpdir(), 'evidence-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const electron = (nativeDir: string | undefined, modules = '150'): RuntimeInfo => ({
  versions: { electron: '45.5.0', modules }, platform: 'linux', arch: 'x64', env: nativeDir ? { [NATIVE_DIR_ENV]: nativeDir } : {},
});
/** A stand-in addon: only the registration symbol nativeBindingPath reads. */
const fakeAddon = (file: string, abi: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64), Buffer.from(`\0node_register_module_v${abi}\0`)]));
};
const loadedAddons = () => Object.keys(require.cache).filter((k) => k.endsWith('.node')).map((k) => realpathSync(k));

describe('nativeBindingPath: the driver build for this runtime', () => {
  it('under Node (no process.versions.electron) chooses none, so the driver loads its own build', () => {
    expect(nativeBindingPath({ versions: { modules: '115' }, platform: 'linux', arch: 'x64', env: { [NATIVE_DIR_ENV]: dir } })).toBeNull();
    expect(nativeBindingPath()).toBeNull(); // this very process: Node
    expect(sqliteDriverOptions()).toEqual({});
  });

  it('inside Electron chooses native/electron-<version>-<platform>-<arch>/<package>/better_sqlite3.node', () => {
    const file = join(dir, 'electron-45.5.0-linux-x64', SQLITE_DRIVER, 'better_sqlite3.node');
    fakeAddon(file, '150');
    expect(electronAddonPath(dir, { electronVersion: '45.5.0', platform: 'linux', arch: 'x64' })).toBe(file);
    expect(nativeBindingPath(electron(dir))).toBe(file);
    // The other driver has its own folder (both name their addon better_sqlite3.node).
    const otherDriver = ELECTRON_NATIVE_PACKAGES.find((p) => p !== SQLITE_DRIVER)!;
    expect(otherDriver).toBe('better-sqlite3');
    const other = join(dir, 'electron-45.5.0-linux-x64', otherDriver, 'better_sqlite3.node');
    fakeAddon(other, '150');
    expect(nativeBindingPath(electron(dir), otherDriver)).toBe(other);
    expect(nativeBindingPath(electron(dir))).toBe(file);
    // Another Electron version, platform or arch is another folder, absent here.
    expect(() => nativeBindingPath({ ...electron(dir), versions: { electron: '46.0.0', modules: '150' } })).toThrow(/electron-46\.0\.0-linux-x64/);
    expect(() => nativeBindingPath({ ...electron(dir), arch: 'arm64' })).toThrow(/electron-45\.5\.0-linux-arm64/);
  });

  it('names the missing file and the command to run when the Electron build is absent', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    let err: unknown;
    try {
      nativeBindingPath(electron(empty));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NativeBindingMissingError);
    const e = err as NativeBindingMissingError;
    expect(e.file).toBe(join(empty, 'electron-45.5.0-linux-x64', SQLITE_DRIVER, 'better_sqlite3.node'));
    expect(e.message).toContain(e.file);
    expect(e.message).toContain('npm run native:electron');
    expect(e.message).toContain('Electron 45.5.0 (ABI 150, linux-x64)');
    expect(() => nativeBindingPath(electron(undefined))).toThrow(new RegExp(`${NATIVE_DIR_ENV} is not set.*npm run native:electron`));
  });

  it('refuses a file built for another ABI (the Node build copied by hand, or an old Electron)', () => {
    const wrong = mkdtempSync(join(dir, 'wrong-'));
    const file = electronAddonPath(wrong, { electronVersion: '45.5.0', platform: 'linux', arch: 'x64' });
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(NODE_BUILD, file); // exports node_register_module_v115
    expect(() => nativeBindingPath(electron(wrong))).toThrow(new RegExp(`built for ABI ${process.versions.modules}, not 150`));
  });
});

describe('one driver name', () => {
  it('open.ts imports the package SQLITE_DRIVER names, which is the first of those built for Electron', () => {
    // Switching driver (as to better-sqlite3-multiple-ciphers, for SQLCipher) means changing both together.
    const src = readFileSync(join(REPO_ROOT, 'electron', 'core', 'db', 'open.ts'), 'utf8');
    const imported = [...src.matchAll(/^import\s+\w+\s+from\s+'(better-sqlite3[^']*)';/gmu)].map((m) => m[1]);
    expect(imported).toEqual([SQLITE_DRIVER]);
    expect(SQLITE_DRIVER).toBe('better-sqlite3-multiple-ciphers');
    expect(ELECTRON_NATIVE_PACKAGES).toEqual([SQLITE_DRIVER, 'better-sqlite3']);
  });
});

describe('addonAbi: which addons are bound to one ABI', () => {
  it('reads the Node build of the driver as this Node\'s ABI', () => {
    expect(addonAbi(readFileSync(NODE_BUILD))).toBe(process.versions.modules);
  });
  it('reads koffi and sharp as N-API (ABI-stable: they load in Electron unchanged)', () => {
    const koffi = join(REPO_ROOT, 'node_modules', '@koromix', `koffi-${process.platform}-${process.arch}`, `${process.platform}_${process.arch}`, 'koffi.node');
    const sharpDir = join(REPO_ROOT, 'node_modules', '@img', `sharp-${process.platform}-${process.arch}`, 'lib');
    const sharp = join(sharpDir, readdirSync(sharpDir).find((f) => f.endsWith('.node'))!);
    expect(addonAbi(readFileSync(koffi))).toBe('napi');
    expect(addonAbi(readFileSync(sharp))).toBe('napi');
  });
});

describe('openDb and the nativeBinding option under Node', () => {
  it('opens a catalog with the default binding (node_modules/<driver>/build/Release), as before', async () => {
    await loadMigrationSteps();
    const db = openDb(join(dir, 'archive.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(loadedAddons()).toContain(NODE_BUILD);
  });

  it('loads a driver build from another folder through nativeBinding, the way Electron does', () => {
    // Node stands in for Electron: a copy of the Node build under native/, chosen for a faked
    // Electron whose ABI is this Node's.
    const nativeDir = mkdtempSync(join(dir, 'native-'));
    const copy = electronAddonPath(nativeDir, { electronVersion: '45.5.0', platform: 'linux', arch: 'x64' });
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(NODE_BUILD, copy);
    const chosen = nativeBindingPath(electron(nativeDir, process.versions.modules));
    expect(chosen).toBe(copy);
    const db = new Database(':memory:', { nativeBinding: chosen! });
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    db.close();
    expect(loadedAddons()).toContain(realpathSync(copy));
  });
});

describe('openDb in a process that looks like Electron', () => {
  // A child Node whose process.versions.electron is set before anything loads: openDb must then
  // pass the Electron build to the driver, or stop with the missing-file error.
  const child = (nativeDir: string) => {
    const script = `
      Object.defineProperty(process.versions, 'electron', { value: '45.5.0', enumerable: true });
      const { openDb, loadMigrationSteps } = await import(${JSON.stringify(join(REPO_ROOT, 'electron', 'core', 'db', 'open.ts'))});
      const { createRequire } = await import('node:module');
      try {
        await loadMigrationSteps();
        openDb(${JSON.stringify(join(nativeDir, 'archive.sqlite'))}).close();
        const cache = createRequire(import.meta.url).cache;
        console.log(JSON.stringify({ addons: Object.keys(cache).filter((k) => k.endsWith('.node')) }));
      } catch (e) {
        console.log(JSON.stringify({ error: e.name, message: e.message }));
      }`;
    const out = execFileSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT, env: { ...process.env, [NATIVE_DIR_ENV]: nativeDir }, encoding: 'utf8',
    });
    return JSON.parse(out.trim().split('\n').pop()!) as { addons?: string[]; error?: string; message?: string };
  };

  it('loads the build under EVIDENCE_NATIVE_DIR, not node_modules/<driver>/build/Release', () => {
    const nativeDir = mkdtempSync(join(dir, 'child-'));
    const copy = electronAddonPath(nativeDir, { electronVersion: '45.5.0', platform: process.platform, arch: process.arch });
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(NODE_BUILD, copy); // this Node's ABI, which the faked Electron reports
    const r = child(nativeDir);
    expect(r.error).toBeUndefined();
    expect(r.addons!.map((a) => realpathSync(a))).toEqual([realpathSync(copy)]);
  });

  it('stops with NativeBindingMissingError naming the file and the command when it is absent', () => {
    const nativeDir = mkdtempSync(join(dir, 'child-empty-'));
    const r = child(nativeDir);
    expect(r.error).toBe('NativeBindingMissingError');
    expect(r.message).toContain(electronAddonPath(nativeDir, { electronVersion: '45.5.0', platform: process.platform, arch: process.arch }));
    expect(r.message).toContain('npm run native:electron');
  });
});
