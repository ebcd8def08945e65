// Electron main: lifecycle, the one window, the archive worker thread, protocols and IPC.
// Bundled by scripts/build-electron.mjs into dist-electron/main.mjs.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, session } from 'electron';
import { JOB_EVENT_CHANNEL } from '../common/ipc.ts';
import { registerIpc } from './ipc.ts';
import { handleAppScheme, handleMediaScheme, registerSchemes } from './protocols.ts';
import { RENDERER_CSP } from '../common/csp.ts';
import { guardNewWebContents } from './security.ts';
import { createMainWindow, preloadPath } from './window.ts';
import { startArchiveWorker, type ArchiveWorker } from './worker-host.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
// Development only: `npm start` can point the window at the Vite dev server.
const devUrl = !app.isPackaged && process.env.EVIDENCE_DEV_URL ? process.env.EVIDENCE_DEV_URL : null;

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight over the archive's write lock; the first one takes focus instead.
  app.quit();
} else {
  registerSchemes();
  guardNewWebContents(app);
  let win: BrowserWindow | null = null;
  let worker: ArchiveWorker | null = null;

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(() => {
    // Every response the window gets carries the CSP, the dev server's included.
    session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
    });
    const resources = app.isPackaged ? process.resourcesPath : join(here, '..', 'resources');
    worker = startArchiveWorker(new URL('./archive-worker.mjs', import.meta.url), {
      settingsFile: join(app.getPath('userData'), 'settings.json'),
      appInfo: { version: app.getVersion(), platform: process.platform, packaged: app.isPackaged },
      gazetteerSeed: join(resources, 'gazetteer', 'places.csv'),
      verifyHtml: join(resources, 'verify', 'VERIFY.html'),
      checkOutput: !app.isPackaged,
      // The SQLite driver built for Electron: extraResources native/ when packaged, else the
      // repository's native/ that `npm start` fills (scripts/electron-native.mjs).
      nativeDir: app.isPackaged ? join(process.resourcesPath, 'native') : join(here, '..', 'native'),
    }, (ev) => {
      if (win && !win.isDestroyed()) win.webContents.send(JOB_EVENT_CHANNEL, ev);
    });
    const w = worker;
    handleAppScheme(join(here, '..', 'renderer', 'dist'));
    handleMediaScheme((ref) => w.media(ref));
    registerIpc(() => win, w, devUrl);
    win = createMainWindow(preloadPath(here), devUrl);
    win.on('closed', () => {
      win = null;
    });
  });

  let quitting = false;
  app.on('before-quit', (e) => {
    // Close the archive first so the catalog is checkpointed and the write lock released.
    if (quitting || !worker) return;
    e.preventDefault();
    quitting = true;
    void worker.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
