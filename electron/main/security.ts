// The window's hardening (DESIGN.md §5): no navigation away from the app, no new windows, no
// permissions, no webviews, and only our own frame may call the archive.
import type { BrowserWindow, Session, WebFrameMain } from 'electron';

/** The origin the renderer is served from in production (see protocols.ts). */
export const APP_ORIGIN = 'app://renderer';

/**
 * True when an IPC message comes from the top frame of our window showing our renderer: the
 * production app:// origin, or the Vite dev server given by EVIDENCE_DEV_URL in development.
 */
export function isTrustedSender(frame: WebFrameMain | null | undefined, win: BrowserWindow | null, devUrl: string | null): boolean {
  if (!frame || !win || win.isDestroyed() || frame !== win.webContents.mainFrame) return false;
  let origin: string;
  try {
    origin = new URL(frame.url).origin;
  } catch {
    return false;
  }
  if (origin === APP_ORIGIN) return true;
  return devUrl !== null && origin === new URL(devUrl).origin;
}

/** Denies permission requests and checks (camera, notifications, geolocation, ...) for `session`. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Keeps `win` on our renderer: navigation, new windows and webviews are refused. */
export function lockNavigation(win: BrowserWindow, devUrl: string | null): void {
  const allowed = (url: string) => {
    try {
      const o = new URL(url).origin;
      return o === APP_ORIGIN || (devUrl !== null && o === new URL(devUrl).origin);
    } catch {
      return false;
    }
  };
  win.webContents.on('will-navigate', (e, url) => {
    if (!allowed(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!allowed(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
}
