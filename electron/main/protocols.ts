// The app's two schemes: app://renderer/ serves the built renderer (a real origin for CSP
// 'self', instead of file://), evidence-media:// serves originals and thumbnails by item id.
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { protocol } from 'electron';
import { RENDERER_CSP } from '../common/csp.ts';
import { MEDIA_SCHEME, mediaResponse, type MediaFile, type MediaRef } from '../core/media/resolve.ts';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json' };

/** Must run before app 'ready': declares both schemes secure and fetch-capable; media may stream. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Serves files of `rendererDir` at app://renderer/, with the CSP header; nothing outside it. */
export function handleAppScheme(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle('app', async (req) => {
    const url = new URL(req.url);
    const rel = decodeURIComponent(url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
    const file = resolve(root, rel);
    if (url.host !== 'renderer' || !file.startsWith(root + sep)) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), {
        headers: { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': RENDERER_CSP, 'X-Content-Type-Options': 'nosniff' },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** Answers evidence-media://<variant>/<id> through `resolveFile` (the archive worker), with Range support. */
export function handleMediaScheme(resolveFile: (ref: MediaRef) => Promise<MediaFile>): void {
  protocol.handle(MEDIA_SCHEME, (req) => mediaResponse(req, resolveFile));
}
