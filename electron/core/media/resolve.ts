// The evidence-media protocol (DESIGN.md §5): the window asks for an item's original or
// thumbnail by item id, never by path; the id is resolved inside the open archive, and the
// answer supports HTTP Range requests (RFC 9110 §14) so video can seek. Pure Node: Electron's
// protocol.handle and the loopback test host both answer with `mediaResponse`.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { Readable } from 'node:stream';
import { objectPath, type Archive } from '../archive.ts';
import { getItem } from '../db/items.ts';
import { thumbnailPath } from '../derivatives/thumbnails.ts';
import { readDerivative } from '../derivatives/sealed.ts';
import { sheetPath, stripPath } from '../derivatives/filmstrip.ts';

/** The scheme the window uses: `evidence-media://original/42`, `evidence-media://thumb/42` (also `strip`, `sheet`: filmstrip.ts). */
export const MEDIA_SCHEME = 'evidence-media';
export const MEDIA_VARIANTS = ['original', 'thumb', 'strip', 'sheet'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

/** What a media URL names: a variant and an item id. */
export interface MediaRef {
  variant: MediaVariant;
  id: number;
}

/** A file the protocol may serve: absolute path inside the archive, size in bytes, Content-Type. */
export interface MediaFile {
  path: string;
  size: number;
  contentType: string;
  /** The bytes to serve, held in memory (a sealed thumbnail, opened): then `path` is only its name. */
  bytes?: Uint8Array;
}

/** Raised for a request the protocol refuses; `status` is the HTTP status to answer. */
export class MediaError extends Error {
  constructor(readonly status: 400 | 404 | 416, message: string) {
    super(message);
    this.name = 'MediaError';
  }
}

const ID = /^[1-9][0-9]{0,15}$/u;

/**
 * Parses the variant and id of a media request from its two parts (the URL's host and path for
 * evidence-media://, two path segments for the test host's /media/ route). Refuses, with a
 * MediaError 400, any variant not listed, and any id that is not plain decimal digits: so "..",
 * "/", "%2F", backslashes, dots and file names never reach the file system.
 */
export function parseMediaRef(variant: string, id: string): MediaRef {
  if (!(MEDIA_VARIANTS as readonly string[]).includes(variant)) throw new MediaError(400, `unknown media variant ${JSON.stringify(variant)}`);
  if (!ID.test(id) || !Number.isSafeInteger(Number(id))) throw new MediaError(400, `media id must be an item id (digits only), got ${JSON.stringify(id)}`);
  return { variant: variant as MediaVariant, id: Number(id) };
}

/**
 * Parses an `evidence-media://<variant>/<id>` URL (query and fragment ignored). The raw text is
 * checked before URL parsing, because a parser would resolve "a/../b" and decode "%2F" first.
 */
export function parseMediaUrl(url: string): MediaRef {
  const prefix = `${MEDIA_SCHEME}://`;
  if (!url.toLowerCase().startsWith(prefix)) throw new MediaError(400, `not an ${MEDIA_SCHEME} URL`);
  const rest = url.slice(prefix.length).split(/[?#]/u)[0]!;
  const parts = rest.split('/');
  if (parts.length !== 2) throw new MediaError(400, `media URL must be ${prefix}<variant>/<id>`);
  return parseMediaRef(parts[0]!.toLowerCase(), parts[1]!);
}

// Only types a viewer element can render inline; anything else (HTML, SVG, PDF, unknown) is
// served as opaque bytes, so evidence content can never run as a page in our origin.
const INLINE = /^(image\/(jpeg|png|gif|webp|avif|bmp|tiff|heic|heif)|video\/[a-z0-9.+-]+|audio\/[a-z0-9.+-]+)$/u;

async function inside(root: string, path: string): Promise<boolean> {
  const [r, p] = await Promise.all([realpath(root), realpath(path)]);
  return p.startsWith(r + sep);
}

/**
 * Resolves a media reference to a file of `archive`: the original in objects/ (its sniffed
 * Content-Type when inline-renderable, else application/octet-stream), or the thumbnail JPEG in
 * derivatives/. The real path (symbolic links followed) must lie inside that folder. Throws
 * MediaError 404 for an unknown item, a missing file, or a file outside the folder.
 */
export async function resolveMedia(archive: Pick<Archive, 'db' | 'objectsDir' | 'derivativesDir'> & { derivativeKey?: Buffer | null }, ref: MediaRef): Promise<MediaFile> {
  const item = getItem(archive.db, ref.id);
  if (!item) throw new MediaError(404, `item ${ref.id}: no such item`);
  const sha = item.record.sha256;
  const [root, path, contentType] = ref.variant === 'original'
    ? [archive.objectsDir, objectPath(archive.objectsDir, sha), item.record.mime && INLINE.test(item.record.mime) ? item.record.mime : 'application/octet-stream']
    : [archive.derivativesDir, (ref.variant === 'strip' ? stripPath : ref.variant === 'sheet' ? sheetPath : thumbnailPath)(archive.derivativesDir, sha), 'image/jpeg'];
  try {
    if (!(await inside(root, path))) throw new MediaError(404, `item ${ref.id}: file lies outside the archive`);
    const st = await stat(path);
    if (!st.isFile()) throw new MediaError(404, `item ${ref.id}: not a file`);
    if (ref.variant !== 'original' && archive.derivativeKey) {
      // Sealed at rest (encrypted archive): opened in memory, never written out plain.
      const bytes = await readDerivative(path, archive.derivativeKey);
      return { path, size: bytes.length, contentType, bytes };
    }
    return { path, size: st.size, contentType };
  } catch (e) {
    if (e instanceof MediaError) throw e;
    throw new MediaError(404, `item ${ref.id}: no ${ref.variant} file`);
  }
}

/** The byte range to send: inclusive offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Interprets a Range header for a file of `size` bytes (RFC 9110 §14.1.2, single range only):
 * null when the whole file should be sent (no header, a multi-range or unparseable header), a
 * ByteRange when satisfiable, and a MediaError 416 when not (e.g. a start beyond the end).
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw new MediaError(416, 'empty suffix range');
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) throw new MediaError(416, `range ${header} not satisfiable for ${size} bytes`);
  return { start, end };
}

/** Status and headers of the answer to a request for `file` with the given Range header. */
export function mediaHead(file: MediaFile, rangeHeader: string | null | undefined): { status: 200 | 206 | 416; headers: Record<string, string>; range: ByteRange | null } {
  const base: Record<string, string> = {
    'Content-Type': file.contentType,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  };
  let range: ByteRange | null;
  try {
    range = parseRange(rangeHeader, file.size);
  } catch {
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${file.size}`, 'Content-Length': '0' }, range: null };
  }
  if (!range) return { status: 200, headers: { ...base, 'Content-Length': String(file.size) }, range: null };
  return {
    status: 206,
    headers: { ...base, 'Content-Range': `bytes ${range.start}-${range.end}/${file.size}`, 'Content-Length': String(range.end - range.start + 1) },
    range,
  };
}

/**
 * The web Response for a media request: `resolve` maps the reference to a file (resolveMedia
 * over the open archive, possibly in another thread); `parse` extracts the reference from the
 * request (parseMediaUrl for evidence-media://). GET and HEAD only. Errors become 400, 404, 405
 * or 416 responses with a plain-text reason; this never throws.
 */
export async function mediaResponse(
  request: { url: string; method?: string; headers: { get(name: string): string | null } },
  resolve: (ref: MediaRef) => Promise<MediaFile>,
  parse: (url: string) => MediaRef = parseMediaUrl,
): Promise<Response> {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return new Response('method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
  let file: MediaFile;
  try {
    file = await resolve(parse(request.url));
  } catch (e) {
    const status = e instanceof MediaError ? e.status : 404;
    return new Response(e instanceof Error ? e.message : 'not found', { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  const head = mediaHead(file, request.headers.get('range'));
  if (head.status === 416 || method === 'HEAD' || file.size === 0) return new Response(null, { status: head.status, headers: head.headers });
  if (file.bytes) {
    const b = head.range ? file.bytes.subarray(head.range.start, head.range.end + 1) : file.bytes;
    return new Response(b as Uint8Array<ArrayBuffer>, { status: head.status, headers: head.headers });
  }
  const stream = createReadStream(file.path, head.range ? { start: head.range.start, end: head.range.end } : {});
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: head.status, headers: head.headers });
}
