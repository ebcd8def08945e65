// Electronegativity over the Electron code (scripts/electronegativity.mjs, as `npm run
// check:electron` runs it), offline: no HIGH or CRITICAL finding. A deliberately insecure main
// process shows the scan does find what it is meant to. The window's guards (security.ts) are
// exercised with stand-in web contents.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow, WebContents } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { guardNewWebContents, isTrustedSender, lockNavigation, originOf } from '../../electron/main/security.ts';
// @ts-expect-error -- a plain .mjs script without type declarations
import { EXCLUDED_CHECKS, FAILING, scanElectron } from '../../scripts/electronegativity.mjs';
import { REPO_ROOT } from '../helpers/corpus.ts';

interface Issue { id: string; severity: string; file: string; line: number }
interface Scan { issues: Issue[]; errors: { file: string; message: string; tolerable: boolean }[]; checks: number; electronVersion: string }
const scan = scanElectron as (root?: string, opts?: { electronVersion?: string }) => Promise<Scan>;

const tmp = mkdtempSync(join(tmpdir(), 'evidence-eng-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('electronegativity', () => {
  it('reports no HIGH or CRITICAL finding in electron/main, electron/preload, electron/common and the renderer HTML', async () => {
    const started = Date.now();
    const r = await scan(REPO_ROOT);
    expect(Date.now() - started).toBeLessThan(30_000); // offline: nothing waits on the network
    expect(r.checks).toBeGreaterThan(30);
    expect(r.errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(r.issues.filter((i) => FAILING.includes(i.severity)).map((i) => `${i.severity} ${i.id} ${i.file}:${i.line}`)).toEqual([]);
    // It did read our files: the CSP is found in both places it is set.
    expect(r.issues.filter((i) => i.id === 'CSP_GLOBAL_CHECK').map((i) => i.file).sort()).toEqual(['electron/main/index.ts', 'renderer/index.html']);
    expect(EXCLUDED_CHECKS).toEqual(['AvailableSecurityFixesGlobalCheck']);
  }, 60_000);

  it('finds HIGH issues in an insecure main process (so a pass above means something)', async () => {
    const root = join(tmp, 'bad');
    mkdirSync(join(root, 'electron', 'main'), { recursive: true });
    writeFileSync(join(root, 'electron', 'main', 'index.ts'), [
      "import { BrowserWindow } from 'electron';",
      "const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });",
      "void win.loadURL('http://example.com/');",
    ].join('\n'));
    const r = await scan(root, { electronVersion: '45.5.0' });
    const high = new Set(r.issues.filter((i) => FAILING.includes(i.severity)).map((i) => i.id));
    expect(high).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(high).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK');
    expect(r.issues.map((i) => i.id)).toContain('SANDBOX_JS_CHECK');
  }, 60_000);
});

/** A stand-in for WebContents: records handlers, and lets a test fire events. */
function fakeContents() {
  const ee = new EventEmitter();
  let openHandler: (() => { action: string }) | null = null;
  const contents = Object.assign(ee, { setWindowOpenHandler: (h: () => { action: string }) => { openHandler = h; } });
  const fire = (event: string, ...args: unknown[]) => {
    let prevented = false;
    ee.emit(event, { preventDefault: () => { prevented = true; } }, ...args);
    return prevented;
  };
  return { contents, fire, open: () => openHandler?.() };
}

describe('security.ts guards', () => {
  it('lockNavigation keeps the window on app://renderer (and the dev server when given)', () => {
    const { contents, fire, open } = fakeContents();
    lockNavigation({ webContents: contents } as unknown as BrowserWindow, 'http://localhost:5173');
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'app://renderer/index.html#/library')).toBe(false);
    expect(fire('will-navigate', 'http://localhost:5173/x')).toBe(false);
    expect(fire('will-attach-webview')).toBe(true);
    expect(open()).toEqual({ action: 'deny' });
  });

  it('reads app://renderer as our origin, although Node\'s URL says "null" for it', () => {
    expect(new URL('app://renderer/index.html').origin).toBe('null'); // why originOf exists
    expect(originOf('app://renderer/index.html')).toBe('app://renderer');
    expect(originOf('app://renderer.evil.example/')).toBe('app://renderer.evil.example');
    expect(originOf('file:///etc/passwd')).toBe('file://');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('not a url')).toBeNull();
  });

  it('isTrustedSender accepts the main frame of our window on app://renderer only', () => {
    const mainFrame = { url: 'app://renderer/index.html' };
    const win = { isDestroyed: () => false, webContents: { mainFrame } } as unknown as BrowserWindow;
    type Frame = Parameters<typeof isTrustedSender>[0];
    expect(isTrustedSender(mainFrame as unknown as Frame, win, null)).toBe(true);
    expect(isTrustedSender({ url: 'app://renderer/x' } as unknown as Frame, win, null)).toBe(false); // a subframe
    mainFrame.url = 'https://evil.example/';
    expect(isTrustedSender(mainFrame as unknown as Frame, win, null)).toBe(false);
    mainFrame.url = 'http://localhost:5173/';
    expect(isTrustedSender(mainFrame as unknown as Frame, win, null)).toBe(false);
    expect(isTrustedSender(mainFrame as unknown as Frame, win, 'http://localhost:5173')).toBe(true);
  });

  it('guardNewWebContents denies windows and webviews in every web contents created later', () => {
    const app = new EventEmitter();
    guardNewWebContents(app as never);
    const { contents, fire, open } = fakeContents();
    app.emit('web-contents-created', {}, contents as unknown as WebContents);
    expect(open()).toEqual({ action: 'deny' });
    expect(fire('will-attach-webview')).toBe(true);
  });
});
