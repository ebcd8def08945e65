import { join } from 'node:path';
import { BrowserWindow, app } from 'electron';
import { APP_ORIGIN, denyPermissions, lockNavigation } from './security.ts';

/**
 * Creates the app window: context isolation, the sandbox, no Node in the renderer, our CJS
 * preload only, devtools only in development; permissions, navigation and new windows denied.
 * Loads the Vite dev server when `devUrl` is given, else the built renderer at app://renderer/.
 */
export function createMainWindow(preloadFile: string, devUrl: string | null): BrowserWindow {
  // Reviewed for electronegativity's AUXCLICK_JS_CHECK: a middle-click can only ask for a new
  // window or a navigation, and lockNavigation (security.ts) denies every new window and every
  // navigation away from the app; no Blink feature switch is needed for that.
  const win = new BrowserWindow({ // eng-disable AUXCLICK_JS_CHECK
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#f6f6f4',
    webPreferences: {
      // Reviewed for electronegativity's PRELOAD_JS_CHECK: a sandboxed CommonJS preload that
      // exposes one function per IPC channel through contextBridge, never ipcRenderer itself.
      preload: preloadFile, // eng-disable PRELOAD_JS_CHECK
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
