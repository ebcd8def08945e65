// The window's hardening (DESIGN.md §5): no navigation away from the app, no new windows, no
// permissions, no webviews, and only our own frame may call the archive.
import type { App, BrowserWindow, Session, WebContents, WebFrameMain } from 'electron';

/** The origin the renderer is served from in production (see protocols.ts). */
export const APP_ORIGIN = 'app://renderer';

/**
 * True when an IPC message comes from the top frame of our window showing our renderer: the
 * production app:// origin, or the Vite dev server given by EVIDENCE_DEV_URL in development.
 */
export function isTrustedSender(frame: WebFrameMain | null | undefined, win: BrowserWindow | null, devUrl: string | null): boolean {
  if (!frame || !win || win.isDestroyed() || frame !== win.webContents.mainFrame) return false;
  return isAppUrl(frame.url, devUrl);
}

/**
 * The origin of `url` as scheme://host[:port], or null when it does not parse. Node's URL (the one
 * Electron main has) gives origin "null" for every non-special scheme, app:// included, although
 * Chromium treats app:// as a standard scheme with a real origin; so it is spelled out here.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin !== 'null' ? u.origin : `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** True for a URL of our renderer: app://renderer, or the dev server's origin when `devUrl` is given. */
export function isAppUrl(url: string, devUrl: string | null): boolean {
  const o = originOf(url);
  if (o === null) return false;
  return o === APP_ORIGIN || (devUrl !== null && o === originOf(devUrl));
}

/** Denies permission requests and checks (camera, notifications, geolocation, ...) for `session`. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Keeps `win` on our renderer: navigation, new windows and webviews are refused. */
export function lockNavigation(win: BrowserWindow, devUrl: string | null): void {
  const allowed = (url: string) => isAppUrl(url, devUrl);
  win.webContents.on('will-navigate', (e, url) => {
    if (!allowed(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!allowed(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
}

/**
 * Every web contents the app ever creates (not only the main window's: a future dialog, a
 * devtools front end) may open no window and attach no webview. Call once, before 'ready'.
 */
export function guardNewWebContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_e: unknown, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
}
