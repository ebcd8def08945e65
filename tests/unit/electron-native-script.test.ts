// scripts/electron-native.mjs decides per SQLite driver package: skip (manifest, sha256 and the
// file's ABI match), else fetch the prebuilt for Electron, else compile against Electron's
// headers. Neither GitHub nor electronjs.org is reachable here, so the commands run through a
// fake executor, except one real prebuild-install run fed a local prebuilt tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ELECTRON_NATIVE_PACKAGES, NATIVE_MANIFEST_FILE, SQLITE_DRIVER, addonAbi, type NativeManifest } from '../../electron/core/db/native-binding.ts';
import { ELECTRON_HEADERS_URL, main, planNative, readElectronTarget, runNative, spawnExec, type Exec, type NativeCommand } from '../../scripts/electron-native.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const tmp = mkdtempSync(join(tmpdir(), 'evidence-electron-native-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const driverVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', SQLITE_DRIVER, 'package.json'), 'utf8')) as { version: string }).version;
const target = { electronVersion: '45.5.0', abi: '150', platform: 'linux', arch: 'x64' };
const fakeAddon = (abi: string) => Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(32), Buffer.from(`\0node_register_module_v${abi}\0`)]);
const only = [SQLITE_DRIVER];
/** The other installed driver: built too, but the app does not load it, so its failure is only a warning. */
const OTHER_DRIVER = ELECTRON_NATIVE_PACKAGES.find((p) => p !== SQLITE_DRIVER)!;
const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An executor that "builds" by writing an addon for `abi` where node-gyp / prebuild-install would, recording what it saw. */
function fakeExec(outcomes: Partial<Record<NativeCommand['kind'], string | 'fail'>>, seen: { kind: string; files: string[] }[] = []): Exec {
  return async (c) => {
    seen.push({ kind: c.kind, files: ['package.json', 'binding.gyp', 'src', 'deps'].filter((f) => existsSync(join(c.cwd, f))) });
    const abi = outcomes[c.kind];
    if (!abi || abi === 'fail') throw new Error(`${c.kind} exited with code 1`);
    mkdirSync(join(c.cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(join(c.cwd, 'build', 'Release', 'better_sqlite3.node'), fakeAddon(abi));
  };
}

describe('the Electron target', () => {
  it('reads the version from node_modules/electron and the ABI from node-abi (checked against abi_version)', () => {
    const t = readElectronTarget(REPO_ROOT);
    const electronPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
    expect(t.electronVersion).toBe(electronPkg.version);
    expect(t.abi).toBe(readFileSync(join(REPO_ROOT, 'node_modules', 'electron', 'abi_version'), 'utf8').trim());
    expect(t).toMatchObject({ platform: process.platform, arch: process.arch });
    expect(readElectronTarget(REPO_ROOT, { electronVersion: '41.0.0', arch: 'arm64', platform: 'darwin' })).toEqual({ electronVersion: '41.0.0', abi: '145', platform: 'darwin', arch: 'arm64' });
  });
});

describe('planNative (what --dry-run prints)', () => {
  it('for a missing build: fetch the Electron prebuilt, else compile against Electron\'s headers, in a staging copy', () => {
    const nativeDir = join(tmp, 'plan');
    const plan = planNative({ root: REPO_ROOT, target, nativeDir, devDir: '/home/u/.electron-gyp' });
    // The driver the app loads first, then the other installed one.
    expect(SQLITE_DRIVER).toBe('better-sqlite3-multiple-ciphers');
    expect(plan.packages.map((p) => p.package)).toEqual([SQLITE_DRIVER, 'better-sqlite3']);
    const p = plan.packages[0]!;
    expect(p).toMatchObject({ action: 'build', packageVersion: driverVersion, dest: join(nativeDir, 'electron-45.5.0-linux-x64', SQLITE_DRIVER, 'better_sqlite3.node') });
    expect(p.reason).toMatch(/does not exist/);
    const [fetch, compile] = p.attempts;
    const stage = join(nativeDir, '.build', 'electron-45.5.0-linux-x64', SQLITE_DRIVER);
    expect(fetch).toMatchObject({ kind: 'fetch', command: process.execPath, cwd: stage });
    expect(fetch!.args[0]).toMatch(/prebuild-install[/\\]bin\.js$/);
    expect(fetch!.args.slice(1)).toEqual(['--runtime', 'electron', '--target', '45.5.0', '--platform', 'linux', '--arch', 'x64', '--verbose']);
    expect(compile).toMatchObject({ kind: 'compile', cwd: stage });
    expect(compile!.args[0]).toMatch(/node-gyp[/\\]bin[/\\]node-gyp\.js$/);
    expect(compile!.args.slice(1)).toEqual(['rebuild', '--release', '--runtime=electron', '--target=45.5.0', '--arch=x64', `--dist-url=${ELECTRON_HEADERS_URL}`, '--devdir=/home/u/.electron-gyp']);
    expect(ELECTRON_HEADERS_URL).toBe('https://electronjs.org/headers');
    // --no-fetch: straight to the compiler.
    expect(planNative({ root: REPO_ROOT, target, nativeDir, fetch: false }).packages[0]!.attempts.map((a) => a.kind)).toEqual(['compile']);
  });

  it('main --dry-run prints the plan as JSON and builds nothing', async () => {
    const nativeDir = join(tmp, 'dry');
    const out: string[] = [];
    const code = await main(['--dry-run', '--native-dir', nativeDir, '--electron-version', '45.5.0'], REPO_ROOT, fakeExec({ fetch: '150' }), (s) => out.push(s));
    expect(code).toBe(0);
    const plan = JSON.parse(out.join('\n')) as { target: { abi: string }; packages: { action: string }[] };
    expect(plan.target.abi).toBe('150');
    expect(plan.packages.every((p) => p.action === 'build')).toBe(true);
    expect(existsSync(nativeDir)).toBe(false);
  });
});

describe('runNative', () => {
  it('takes the prebuilt, records version, ABI and sha256, then skips while nothing changed', async () => {
    const nativeDir = join(tmp, 'fetch');
    const seen: { kind: string; files: string[] }[] = [];
    const outcomes = await runNative(planNative({ root: REPO_ROOT, target, nativeDir, packages: only }), fakeExec({ fetch: '150' }, seen));
    expect(outcomes).toMatchObject([{ package: SQLITE_DRIVER, action: 'prebuilt' }]);
    expect(seen).toEqual([{ kind: 'fetch', files: ['package.json'] }]);
    const dest = outcomes[0]!.dest;
    expect(addonAbi(readFileSync(dest))).toBe('150');
    const manifest = JSON.parse(readFileSync(join(dirname(dirname(dest)), NATIVE_MANIFEST_FILE), 'utf8')) as NativeManifest;
    expect(manifest).toMatchObject({ ...target, packages: { [SQLITE_DRIVER]: { packageVersion: driverVersion, sha256: outcomes[0]!.sha256, source: 'prebuilt' } } });
    expect(existsSync(join(nativeDir, '.build'))).toBe(false);

    const again = planNative({ root: REPO_ROOT, target, nativeDir, packages: only });
    expect(again.packages[0]).toMatchObject({ action: 'skip', attempts: [] });
    expect(again.packages[0]!.reason).toMatch(/^up to date/);
    const log: string[] = [];
    expect(await main(['--native-dir', nativeDir, '--electron-version', '45.5.0', '--platform', 'linux', '--arch', 'x64'], REPO_ROOT, fakeExec({}), (s) => log.push(s))).toBe(0);
    expect(log.join('\n')).toMatch(new RegExp(`^electron-native: ${re(SQLITE_DRIVER)}: up to date`, 'm'));

    // A changed file, another driver version or another Electron: built again.
    writeFileSync(dest, fakeAddon('150').toString('latin1') + 'x', 'latin1');
    expect(planNative({ root: REPO_ROOT, target, nativeDir, packages: only }).packages[0]!.reason).toMatch(/differs from the manifest \(sha256\)/);
    writeFileSync(join(dirname(dirname(dest)), NATIVE_MANIFEST_FILE), JSON.stringify({ ...manifest, packages: { [SQLITE_DRIVER]: { ...manifest.packages[SQLITE_DRIVER], packageVersion: '1.0.0' } } }));
    expect(planNative({ root: REPO_ROOT, target, nativeDir, packages: only }).packages[0]!.reason).toMatch(new RegExp(`built from ${re(SQLITE_DRIVER)}@1\\.0\\.0, installed is ${driverVersion.replace(/\./g, '\\.')}`));
    expect(planNative({ root: REPO_ROOT, target: { ...target, electronVersion: '46.0.0' }, nativeDir, packages: only }).packages[0]!.action).toBe('build');
    expect(planNative({ root: REPO_ROOT, target, nativeDir, packages: only, force: true }).packages[0]!.reason).toBe('forced (--force)');
  });

  it('compiles from a copy of the sources when no prebuilt is reachable', async () => {
    const seen: { kind: string; files: string[] }[] = [];
    const outcomes = await runNative(planNative({ root: REPO_ROOT, target, nativeDir: join(tmp, 'compile'), packages: only }), fakeExec({ fetch: 'fail', compile: '150' }, seen));
    expect(outcomes).toMatchObject([{ action: 'compiled' }]);
    expect(seen).toEqual([{ kind: 'fetch', files: ['package.json'] }, { kind: 'compile', files: ['package.json', 'binding.gyp', 'src', 'deps'] }]);
    // The Node build npm made is untouched.
    expect(addonAbi(readFileSync(join(REPO_ROOT, 'node_modules', SQLITE_DRIVER, 'build', 'Release', 'better_sqlite3.node')))).toBe(process.versions.modules);
  });

  it('rejects an addon for the wrong ABI, and fails only for the driver the app loads', async () => {
    const nativeDir = join(tmp, 'wrong');
    const outcomes = await runNative(planNative({ root: REPO_ROOT, target, nativeDir, packages: only }), fakeExec({ fetch: '115', compile: 'fail' }));
    expect(outcomes[0]!.action).toBe('failed');
    expect(outcomes[0]!.error).toMatch(/fetch: .*exports ABI 115, not 150; compile: compile exited with code 1\. .*Python 3, a C\+\+20 compiler/);
    expect(existsSync(outcomes[0]!.dest)).toBe(false);
    const log: string[] = [];
    expect(await main(['--native-dir', nativeDir, '--electron-version', '45.5.0'], REPO_ROOT, fakeExec({}), (s) => log.push(s))).toBe(1);
    expect(log.join('\n')).toMatch(new RegExp(`error: could not build ${re(SQLITE_DRIVER)}@`));
    expect(log.join('\n')).toMatch(new RegExp(`warning \\(the app does not load it\\): could not build ${re(OTHER_DRIVER)}@`));
    expect(log.join('\n')).not.toMatch(new RegExp(`error: could not build ${re(OTHER_DRIVER)}@`));
    // Only the other package failing: reported, exit 0.
    const onlyDriver: Exec = async (c) => (c.cwd.endsWith(SQLITE_DRIVER) ? fakeExec({ fetch: '150' })(c) : fakeExec({})(c));
    expect(await main(['--native-dir', join(tmp, 'other'), '--electron-version', '45.5.0'], REPO_ROOT, onlyDriver, () => {})).toBe(0);
  });

  it('runs the real prebuild-install for Electron, fed a local prebuilt tarball named as on GitHub', async () => {
    // The name prebuild-install derives from --runtime electron --target 45.5.0 is the GitHub
    // release asset's: <driver>-v<version>-electron-v150-linux-x64.tar.gz
    // (better-sqlite3-multiple-ciphers-v12.11.1-electron-v150-linux-x64.tar.gz).
    const prebuilds = join(tmp, 'prebuilds');
    const content = join(tmp, 'tarball');
    mkdirSync(join(content, 'build', 'Release'), { recursive: true });
    writeFileSync(join(content, 'build', 'Release', 'better_sqlite3.node'), fakeAddon('150'));
    mkdirSync(prebuilds);
    execFileSync('tar', ['czf', join(prebuilds, `${SQLITE_DRIVER}-v${driverVersion}-electron-v150-${process.platform}-${process.arch}.tar.gz`), '-C', content, 'build']);
    // prebuild-install reads npm_config_<package name, non-alphanumerics as _>_local_prebuilds.
    const envName = `npm_config_${SQLITE_DRIVER.replace(/[^a-zA-Z0-9]/g, '_')}_local_prebuilds`;
    expect(envName).toBe('npm_config_better_sqlite3_multiple_ciphers_local_prebuilds');
    process.env[envName] = prebuilds;
    try {
      const t = { ...target, platform: process.platform, arch: process.arch };
      const outcomes = await runNative(planNative({ root: REPO_ROOT, target: t, nativeDir: join(tmp, 'real'), packages: only, fetch: true }), (c) => (c.kind === 'fetch' ? spawnExec({ ...c }) : Promise.reject(new Error('no compile here'))));
      expect(outcomes).toMatchObject([{ action: 'prebuilt' }]);
      expect(addonAbi(readFileSync(outcomes[0]!.dest))).toBe('150');
    } finally {
      delete process.env[envName];
    }
  });
});
