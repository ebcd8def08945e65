import { join } from 'node:path';
import { BrowserWindow, app } from 'electron';
import { APP_ORIGIN, denyPermissions, lockNavigation } from './security.ts';

/**
 * Creates the app window: context isolation, the sandbox, no Node in the renderer, our CJS
 * preload only, devtools only in development; permissions, navigation and new windows denied.
 * Loads the Vite dev server when `devUrl` is given, else the built renderer at app://renderer/.
 */
export function createMainWindow(preloadFile: string, devUrl: string | null): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#f6f6f4',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  denyPermissions(win.webContents.session);
  lockNavigation(win, devUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/** The bundled preload next to the main bundle (dist-electron/preload.cjs). */
export function preloadPath(mainDir: string): string {
  return join(mainDir, 'preload.cjs');
}
