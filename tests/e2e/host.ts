// The loopback test host: a small node:http server that serves the built renderer with the
// app's CSP and implements `window.evidence` over HTTP with the real archive service on a
// temporary archive (no mocks). Dialogs answer from a queue the test fills; the clipboard is
// recorded. Media is served by the same mediaResponse as the app's evidence-media:// protocol.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { RENDERER_CSP } from '../../electron/common/csp.ts';
import { fail, isChannel, isHostChannel, ok, parseInput, type JobEvent, type Result } from '../../electron/common/ipc.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService, type ArchiveService } from '../../electron/core/service/service.ts';
import { mediaResponse, parseMediaRef } from '../../electron/core/media/resolve.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

export interface TestHost {
  url: string;
  service: ArchiveService;
  /** Paths the next dialog.pickFolder / dialog.pickFiles calls answer, in order. */
  dialogAnswers: string[][];
  /** Text written through clipboard.write, last last. */
  clipboard: string[];
  /** Every job event sent. */
  events: JobEvent[];
  /** The test preload script (an IIFE) to inject with page.addInitScript. */
  preload: string;
  close(): Promise<void>;
}

/** Bundles tests/e2e/test-preload.ts into one script for injection. */
export async function bundleTestPreload(): Promise<string> {
  const r = await build({ entryPoints: [join(here, 'test-preload.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent' });
  return r.outputFiles[0]!.text;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      s += d;
      if (s.length > 10_000_000) req.destroy(new Error('body too large'));
    });
    req.on('end', () => res(s));
    req.on('error', rej);
  });
}

function sendJson(res: ServerResponse, v: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(v));
}

/**
 * Starts the host on 127.0.0.1 (a free port) serving `rendererDir` (a vite build). The service
 * keeps settings in `settingsFile`. Close it to cancel jobs and release the archive lock.
 */
export async function startHost(opts: { rendererDir: string; settingsFile: string; threads?: number }): Promise<TestHost> {
  const events: JobEvent[] = [];
  const streams = new Set<ServerResponse>();
  const service = createArchiveService({
    settingsFile: opts.settingsFile,
    appInfo: { version: 'test', platform: process.platform, packaged: false },
    threads: opts.threads ?? 2,
    emit: (ev) => {
      events.push(ev);
      for (const s of streams) s.write(`data: ${JSON.stringify(ev)}\n\n`);
    },
  });
  const dialogAnswers: string[][] = [];
  const clipboard: string[] = [];
  const root = resolve(opts.rendererDir);

  const hostChannel = (channel: string, input: unknown): Result<unknown> => {
    const parsed = parseInput(channel, input);
    if (!parsed.ok) return parsed;
    if (channel === 'clipboard.write') {
      clipboard.push((parsed.value as { text: string }).text);
      return ok(null);
    }
    return ok({ paths: dialogAnswers.shift() ?? [] });
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname.startsWith('/__ipc/')) {
        const channel = decodeURIComponent(url.pathname.slice('/__ipc/'.length));
        let input: unknown;
        try {
          input = JSON.parse((await readBody(req)) || '{}');
        } catch {
          return sendJson(res, fail('INVALID_INPUT', 'body is not JSON'));
        }
        if (isChannel(channel) && isHostChannel(channel)) return sendJson(res, hostChannel(channel, input));
        return sendJson(res, await dispatch(service.handlers, channel, input, { checkOutput: true }));
      }
      if (url.pathname === '/__events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (url.pathname.startsWith('/media/')) {
        const response = await mediaResponse(
          { url: url.pathname, method: req.method, headers: { get: (n) => (req.headers[n.toLowerCase()] as string | undefined) ?? null } },
          (ref) => service.media(ref),
          (p) => {
            const parts = p.slice('/media/'.length).split('/');
            return parseMediaRef(parts[0] ?? '', parts.length === 2 ? parts[1]! : parts.slice(1).join('/'));
          },
        );
        const headers: Record<string, string> = {};
        response.headers.forEach((v, k) => {
          headers[k] = v;
        });
        res.writeHead(response.status, headers);
        if (response.body) Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
        else res.end();
        return;
      }
      // The built renderer, contained in its folder.
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = resolve(root, rel);
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found');
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': RENDERER_CSP, 'X-Content-Type-Options': 'nosniff' });
      createReadStream(file).pipe(res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    service,
    dialogAnswers,
    clipboard,
    events,
    preload: await bundleTestPreload(),
    async close() {
      for (const s of streams) s.end();
      await service.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
    },
  };
}
