// `evidence compare PATH`: is everything on this card in the archive, byte for byte? Run against
// the card itself before it is formatted. Every file is read and hashed (SHA-256, FIPS 180-4)
// and looked up by digest; names and sizes prove nothing (a card reformatted and reshot reuses
// IMG_0001.JPG). A file counts as archived only when the catalog holds an item with its digest
// and the archive's object for that digest is present with the item's size.
// The walk is ingest's (ingest/walk.ts), with its byte-exact path identity, so compare looks at
// exactly the files an ingest of PATH would take. What ingest leaves out on purpose is said:
// system files the OS puts on cards (.Trashes, .Spotlight-V100, System Volume Information,
// .DS_Store, ._* AppleDouble…) are listed as ignored and do not block; any other hidden file or
// folder, which a folder ingest also skips, blocks, since it may be someone's file.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IngestFileResult } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { openSource } from '../ingest/digest.ts';
import { bytesField } from '../ingest/filename.ts';
import { walkInputs, type Candidate } from '../ingest/walk.ts';
import { objectPath } from '../objects.ts';

/** How one file on the card stands against the archive. */
export type CompareStatus =
  /** In the archive by digest, its object present: safe to lose from the card. */
  | 'archived'
  /** No item has its digest. */
  | 'missing'
  /** No item has its digest, and the archive holds other content ingested from this very path: the file changed since. */
  | 'changed'
  /** The catalog has its digest but the archive's object is absent or of the wrong size. */
  | 'object-missing'
  /** It could not be read (the reason says why). */
  | 'unreadable'
  /** A hidden file or folder that is not OS clutter: a folder ingest skips it, so it is not in the archive. */
  | 'hidden'
  /** OS clutter, a symbolic link, a device or the archive itself: listed, not compared, does not block. */
  | 'ignored';

/** One line of the comparison. */
export interface CompareEntry {
  /** Display form of the path (ingest/filename.ts displayName); `pathBytes` (base64) when that is not the path itself. */
  path: string;
  pathBytes?: string;
  status: CompareStatus;
  bytes?: number;
  sha256?: string;
  /** The archive's item with this content, or (status changed) the one ingested from this path. */
  itemId?: number;
  reason?: string;
}

/** The whole comparison. */
export interface CompareReport {
  path: string;
  /**
   * True only when at least one file was compared, every file compared is `archived`, and none is
   * unreadable, hidden, changed or missing.
   */
  safeToFormat: boolean;
  /** Files read and hashed, and their bytes. */
  filesHashed: number;
  bytesHashed: number;
  counts: Record<CompareStatus, number>;
  /** Every file and folder met, in walk order (ignored ones too). */
  entries: CompareEntry[];
  /** True when cancelled before every file was compared: then never safe to format. */
  interrupted: boolean;
}

/** Progress of a comparison: bytes read out of the total, and the file being read. */
export interface CompareProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

// Names the OS (not a person) writes on removable media: macOS, Windows, Android's thumbnail cache.
const OS_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', 'icon\r', '.metadata_never_index', '.volumeicon.icns']);
const OS_DIRS = new Set(['.trashes', '.spotlight-v100', '.fseventsd', '.temporaryitems', '.documentrevisions-v100', '$recycle.bin', 'system volume information', '.thumbnails']);

/**
 * Whether a name the walk skipped is clutter the OS writes on cards (ignored: it does not block)
 * rather than a hidden file someone may have put there (blocks). `._*` AppleDouble files hold
 * macOS metadata of their sibling, not content of their own.
 */
export function isOsClutter(name: string): boolean {
  const n = name.toLowerCase();
  return OS_FILES.has(n) || OS_DIRS.has(n) || n.startsWith('._');
}

const lastName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** A walk result (skipped or failed) as a comparison entry. */
function decidedEntry(r: IngestFileResult): CompareEntry {
  const base = { path: r.path, ...(r.pathBytes ? { pathBytes: r.pathBytes } : {}) };
  if (r.status === 'failed') return { ...base, status: 'unreadable', reason: r.reason ?? 'cannot be read' };
  const reason = r.reason ?? 'skipped';
  if (/symbolic link|not a regular file|archive being ingested/.test(reason)) return { ...base, status: 'ignored', reason };
  if (isOsClutter(lastName(r.path))) return { ...base, status: 'ignored', reason: `${reason}: written by the operating system, not evidence` };
  return { ...base, status: 'hidden', reason: `${reason}: a folder ingest skips it, so it is not in the archive (ingest it by naming it, or remove it)` };
}

/** SHA-256 of a file met by the walk, streamed in 4 MiB reads; `onBytes` gets each read's size. Rejects with the fs error. */
async function sha256Of(c: Candidate, onBytes: (n: number) => void, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  // Opened as ingest opens it: a file met inside a folder must not have become a link since the walk.
  const fd = openSource(c.rawPath ?? c.path, c.givenAsInput === true);
  const h = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream('', { fd, highWaterMark: 4 * 1024 * 1024, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    h.update(chunk);
    bytes += chunk.length;
    onBytes(chunk.length);
  }
  return { sha256: h.digest('hex'), bytes };
}

/**
 * Compares the files under `path` (a card, or any folder or file) with the archive whose catalog
 * is `db` and object store `objectsDir` (see the module comment). Unreadable files are reported
 * as such, never skipped. `exclude` are folders to leave out (the archive itself). Cancelling
 * `signal` ends early with `interrupted` (and not safe to format). Never throws for a file.
 */
export async function compareWithArchive(db: Db, objectsDir: string, path: string, opts: { signal?: AbortSignal; onProgress?: (p: CompareProgress) => void; exclude?: string[] } = {}): Promise<CompareReport> {
  const walk = await walkInputs([path], opts.signal, opts.exclude ?? []);
  const entries: CompareEntry[] = walk.decided.map(decidedEntry);
  const progress: CompareProgress = { filesDone: 0, filesTotal: walk.files.length, bytesDone: 0, bytesTotal: walk.files.reduce((s, f) => s + f.bytes, 0), currentFile: null };
  const byDigest = stmt(db, 'SELECT id, bytes FROM items WHERE sha256 = ?');
  const byPath = stmt(db, 'SELECT item_id FROM sightings WHERE path_bytes = ? ORDER BY id DESC LIMIT 1');
  let bytesHashed = 0;
  let filesHashed = 0;
  let last = 0;
  const tick = (force = false) => {
    const now = Date.now();
    if (opts.onProgress && (force || now - last > 200)) {
      last = now;
      opts.onProgress({ ...progress });
    }
  };
  let interrupted = walk.interrupted;
  for (const c of walk.files) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    progress.currentFile = c.path;
    tick();
    const pb = bytesField(c.pathBytes);
    const base = { path: c.path, ...(pb === undefined ? {} : { pathBytes: pb }) };
    const startBytes = progress.bytesDone;
    let got: { sha256: string; bytes: number };
    try {
      got = await sha256Of(c, (n) => {
        progress.bytesDone += n;
        tick();
      }, opts.signal);
    } catch (e) {
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      progress.bytesDone = startBytes + c.bytes;
      entries.push({ ...base, status: 'unreadable', bytes: c.bytes, reason: `${c.path}: ${(e as Error).message}` });
      progress.filesDone++;
      continue;
    }
    filesHashed++;
    bytesHashed += got.bytes;
    progress.filesDone++;
    const item = byDigest.get(got.sha256) as { id: number; bytes: number } | undefined;
    const found = { ...base, bytes: got.bytes, sha256: got.sha256 };
    if (item) {
      const obj = objectPath(objectsDir, got.sha256);
      const ok = existsSync(obj) && statSync(obj).size === item.bytes;
      entries.push(ok ? { ...found, status: 'archived', itemId: item.id }
        : { ...found, status: 'object-missing', itemId: item.id, reason: `the catalog lists this content (item ${item.id}) but its object in the archive is ${existsSync(obj) ? 'of the wrong size' : 'missing'}: run \`evidence verify\`` });
      continue;
    }
    const other = byPath.get(c.pathBytes) as { item_id: number } | undefined;
    entries.push(other !== undefined
      ? { ...found, status: 'changed', itemId: other.item_id, reason: `the archive holds other content from this path (item ${other.item_id}): the file changed since it was ingested` }
      : { ...found, status: 'missing', reason: 'no item in the archive has this SHA-256' });
  }
  progress.currentFile = null;
  tick(true);
  if (interrupted) {
    const done = new Set(entries.map((e) => e.path));
    for (const c of walk.files) if (!done.has(c.path)) entries.push({ path: c.path, status: 'unreadable', bytes: c.bytes, reason: 'not compared: the comparison was cancelled' });
  }
  const counts: Record<CompareStatus, number> = { archived: 0, missing: 0, changed: 0, 'object-missing': 0, unreadable: 0, hidden: 0, ignored: 0 };
  for (const e of entries) counts[e.status]++;
  const blocking = entries.length - counts.archived - counts.ignored;
  // Nothing found is never "safe": a card not mounted, or a mistyped path, reads as an empty folder.
  return { path, safeToFormat: !interrupted && blocking === 0 && filesHashed > 0, filesHashed, bytesHashed, counts, entries, interrupted };
}
