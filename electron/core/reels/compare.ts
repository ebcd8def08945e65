// `evidence compare PATH`: is everything on this card in the archive, byte for byte? Run against
// the card itself before it is formatted. Every file is read and hashed (SHA-256, FIPS 180-4)
// and looked up by digest; names and sizes prove nothing (a card reformatted and reshot reuses
// IMG_0001.JPG). A file counts as archived only when the catalog holds an item with its digest
// and the archive's object for that digest is present with the item's size.
// The walk is ingest's (ingest/walk.ts), with its byte-exact path identity, so compare looks at
// exactly the files an ingest of PATH would take. What ingest leaves out on purpose is said:
// files the OS writes on cards, verified as such by type and content (ingest/os-files.ts: a
// `.DS_Store` FILE in Finder's Bud1 format, not a folder of that name), are listed as ignored and
// do not block; files in a trash folder (.Trashes, $RECYCLE.BIN, .Trash-1000) are deleted on
// the card but still there, and like any other hidden file they are read, and block unless their
// content is in the archive. The card's own hash lists (ASC MHL, MHL v1.1) are read again and
// checked in the same pass (mhl/ingest-check.ts): a listed file changed or missing blocks. A
// matched object in the archive is re-read and its SHA-256 recomputed (links never followed), so
// "byte for byte" is a fact, not a catalog's word; `quick` checks its presence and size only.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IngestFileResult } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { closeSync, fstatSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { openSource } from '../ingest/digest.ts';
import { MhlIngestCheck, type MhlIngestReport } from '../mhl/ingest-check.ts';
import { mhlHashersFor, type MhlDigests } from '../mhl/ingest-hashers.ts';
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
  /** The catalog has its digest but the archive's object is absent, a link, of the wrong size or altered (reason says which). */
  | 'object-missing'
  /** In a trash folder on the card (deleted there, still present) and its content is not in the archive. */
  | 'deleted'
  /** It could not be read (the reason says why). */
  | 'unreadable'
  /** A hidden file or folder that is not OS clutter: a folder ingest skips it, so it is not in the archive. */
  | 'hidden'
  /** A file verified as the OS's own (ingest/os-files.ts), a symbolic link, a device or the archive itself: listed, not compared, does not block. */
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
  /** How matched objects in the archive were checked: re-read and re-hashed, or (quick) by presence and size only. */
  archiveCheck: 'sha256' | 'size-only';
  /** The card's own hash lists' verdicts (mhl/ingest-check.ts), null when none describes PATH. */
  hashLists: MhlIngestReport | null;
  /** What blocks formatting: entries not archived nor ignored, plus hash-list findings (hashListBlocking). */
  blocking: number;
  /** For each listed file whose card copy differs from its hash list: what the archive holds of it (hashListMismatchContext). */
  hashListMismatches: HashListMismatch[];
}

/** What the archive holds of a card file that differs from the card's hash list. */
export interface HashListMismatch {
  /** The file on the card (MhlFileOutcome.path). */
  path: string;
  /** The item holding the card file as it is now (its SHA-256 in the archive), or null. */
  cardFileItem: number | null;
  /**
   * The item ingested from a file that was verified against a hash-list entry with these very
   * digests (sighting_mhl, outcome verified): the file as the hash list describes it, as offloaded.
   * Null when none.
   */
  offloadedItem: number | null;
}

/**
 * For each `mismatch` of `r`: which item, if any, holds the card's file as it is now (its compare
 * entry in `entries` is archived), and which
 * holds the file as its hash list describes it (an ingest verified against an entry with the same
 * digests, any format). A file changed on the card after it was offloaded has the second and not
 * the first; one that already differed when it was offloaded has the first.
 */
export function hashListMismatchContext(db: Db, r: MhlIngestReport | null, entries: readonly CompareEntry[]): HashListMismatch[] {
  if (!r) return [];
  const archived = new Map(entries.filter((e) => e.status === 'archived' && e.itemId !== undefined).map((e) => [e.path, e.itemId!]));
  const listed = db.prepare(`SELECT s.item_id FROM sighting_mhl m JOIN sightings s ON s.id = m.sighting_id, json_each(m.expected) j
    WHERE m.outcome = 'verified' AND j.key = ? AND lower(j.value) = lower(?) ORDER BY s.item_id LIMIT 1`).pluck();
  return r.files.filter((f) => f.status === 'mismatch').map((f) => {
    let offloaded: number | null = null;
    for (const [format, value] of Object.entries(f.expected ?? {})) {
      offloaded ??= (listed.get(format, value) as number | undefined) ?? null;
    }
    return { path: f.path, cardFileItem: archived.get(f.path) ?? null, offloadedItem: offloaded };
  });
}

/**
 * The hash-list findings that make a card unsafe to format: a listed file changed or missing, an
 * entry naming no file on the card, a listed file not read, a hash list that could not be read,
 * a generation its ASC MHL chain does not vouch for (C4 ID not matching, or not listed: a later
 * generation can re-hash a damaged file and call it verified). Files on the card the list does
 * not name are only a warning (compare has read them anyway).
 */
export function hashListBlocking(r: MhlIngestReport | null): number {
  if (!r) return 0;
  const chain = r.histories.reduce((n, h) => n + h.chain.filter((c) => c.status !== 'ok').length, 0);
  return r.counts.mismatch + r.counts.missing + r.counts.invalid + r.counts.notChecked + (r.rejected?.length ?? 0) + chain;
}

/** Progress of a comparison: bytes read out of the total, and the file being read. */
export interface CompareProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

/** A walk result (skipped or failed, not a held file) as a comparison entry. */
function decidedEntry(r: IngestFileResult): CompareEntry {
  const base = { path: r.path, ...(r.pathBytes ? { pathBytes: r.pathBytes } : {}) };
  if (r.status === 'failed') return { ...base, status: 'unreadable', reason: r.reason ?? 'cannot be read' };
  const reason = r.reason ?? 'skipped';
  if (/symbolic link|not a regular file|archive being ingested/.test(reason)) return { ...base, status: 'ignored', reason };
  // Anything else the walk left out is someone's file until shown otherwise.
  return { ...base, status: 'hidden', reason: `${reason}: a folder ingest skips it, so it is not in the archive (ingest it by naming it, or remove it)` };
}

/** SHA-256 of a file met by the walk, streamed in 4 MiB reads; `onBytes` gets each read's size. Rejects with the fs error. */
async function sha256Of(c: Candidate, onBytes: (n: number) => void, signal?: AbortSignal, mhlFormats: string[] = []): Promise<{ sha256: string; bytes: number; mhl?: MhlDigests }> {
  const more = await mhlHashersFor(mhlFormats);
  // Opened as ingest opens it: a file met inside a folder must not have become a link since the walk.
  const fd = openSource(c.rawPath ?? c.path, c.givenAsInput === true);
  const h = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream('', { fd, highWaterMark: 4 * 1024 * 1024, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    h.update(chunk);
    more?.update(chunk);
    bytes += chunk.length;
    onBytes(chunk.length);
  }
  return { sha256: h.digest('hex'), bytes, ...(more ? { mhl: more.digests() } : {}) };
}

/**
 * Why the archive's object for `sha256` (`bytes` long) cannot be trusted to hold that content, or
 * null when it does. The store's folders and the object are checked with lstat and the object is
 * opened without following a link (a link to a file outside the archive is no copy in it); then,
 * unless `quick`, it is read whole and its SHA-256 recomputed.
 */
async function objectProblem(objectsDir: string, sha256: string, bytes: number, quick: boolean, signal?: AbortSignal): Promise<string | null> {
  const obj = objectPath(objectsDir, sha256);
  let at = objectsDir;
  for (const part of obj.slice(objectsDir.length + 1).split(/[\/]/u)) {
    at = join(at, part);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return 'missing';
    }
    if (st.isSymbolicLink()) return `a symbolic link (${at === obj ? 'the object' : 'a folder of the store'}), not a copy in the archive; links are not followed`;
  }
  let fd: number;
  try {
    fd = openSource(obj, false);
  } catch (e) {
    return `unreadable (${(e as Error).message})`;
  }
  const size = fstatSync(fd).size;
  if (size !== bytes) {
    closeSync(fd);
    return `of the wrong size (${size} bytes, the item has ${bytes})`;
  }
  if (quick) {
    closeSync(fd);
    return null;
  }
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream('', { fd, highWaterMark: 4 * 1024 * 1024, signal }) as AsyncIterable<Buffer>) h.update(chunk);
  } catch (e) {
    if (signal?.aborted) throw e;
    return `unreadable (${(e as Error).message})`;
  }
  const got = h.digest('hex');
  return got === sha256 ? null : `altered: its SHA-256 is now ${got}`;
}

/**
 * Compares the files under `path` (a card, or any folder or file) with the archive whose catalog
 * is `db` and object store `objectsDir` (see the module comment). Unreadable files are reported
 * as such, never skipped. `exclude` are folders to leave out (the archive itself). `quick` checks
 * matched objects by presence and size instead of re-reading them. Cancelling `signal` ends early
 * with `interrupted` (and not safe to format). Never throws for a file.
 */
export async function compareWithArchive(db: Db, objectsDir: string, path: string, opts: { signal?: AbortSignal; onProgress?: (p: CompareProgress) => void; exclude?: string[]; quick?: boolean } = {}): Promise<CompareReport> {
  const walk = await walkInputs([path], opts.signal, opts.exclude ?? []);
  // Held files (hidden, in a trash folder) are read like the others; the OS's own files are not.
  const heldBy = new Map(walk.held.map((h) => [h.candidate.path, h]));
  const toRead = [...walk.files, ...walk.held.filter((h) => h.kind !== 'os').map((h) => h.candidate)];
  const entries: CompareEntry[] = [];
  for (const r of walk.decided) {
    const h = heldBy.get(r.path);
    if (!h) entries.push(decidedEntry(r));
    else if (h.kind === 'os') entries.push({ path: r.path, ...(r.pathBytes ? { pathBytes: r.pathBytes } : {}), status: 'ignored', bytes: h.candidate.bytes, reason: `${h.reason}: not evidence` });
  }
  const mhl = walk.interrupted ? null : await MhlIngestCheck.prepare([path], toRead);
  const progress: CompareProgress = { filesDone: 0, filesTotal: toRead.length, bytesDone: 0, bytesTotal: toRead.reduce((s, f) => s + f.bytes, 0), currentFile: null };
  const byDigest = stmt(db, 'SELECT id, bytes FROM items WHERE sha256 = ?');
  const byPath = stmt(db, 'SELECT item_id FROM sightings WHERE path_bytes = ? ORDER BY id DESC LIMIT 1');
  const objectChecked = new Map<string, string | null>();
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
  for (const c of toRead) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    progress.currentFile = c.path;
    tick();
    const pb = bytesField(c.pathBytes);
    const base = { path: c.path, ...(pb === undefined ? {} : { pathBytes: pb }) };
    const startBytes = progress.bytesDone;
    let got: { sha256: string; bytes: number; mhl?: MhlDigests };
    try {
      got = await sha256Of(c, (n) => {
        progress.bytesDone += n;
        tick();
      }, opts.signal, mhl?.formatsFor(c.path) ?? []);
    } catch (e) {
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      progress.bytesDone = startBytes + c.bytes;
      entries.push({ ...base, status: 'unreadable', bytes: c.bytes, reason: `${c.path}: ${(e as Error).message}` });
      mhl?.unread(c.path, (e as Error).message);
      progress.filesDone++;
      continue;
    }
    filesHashed++;
    bytesHashed += got.bytes;
    progress.filesDone++;
    mhl?.checked(c.path, got);
    const held = heldBy.get(c.path);
    const item = byDigest.get(got.sha256) as { id: number; bytes: number } | undefined;
    const found = { ...base, bytes: got.bytes, sha256: got.sha256 };
    if (item) {
      let problem = objectChecked.get(got.sha256);
      if (problem === undefined) {
        try {
          problem = await objectProblem(objectsDir, got.sha256, item.bytes, opts.quick === true, opts.signal);
        } catch {
          interrupted = true;
          break;
        }
        objectChecked.set(got.sha256, problem);
      }
      entries.push(problem === null ? { ...found, status: 'archived', itemId: item.id, ...(held ? { reason: `${held.reason}; its content is in the archive` } : {}) }
        : { ...found, status: 'object-missing', itemId: item.id, reason: `the catalog lists this content (item ${item.id}) but its object in the archive is ${problem}: run \`evidence verify\`` });
      continue;
    }
    if (held) {
      entries.push({ ...found, status: held.kind === 'trash' ? 'deleted' : 'hidden', reason: held.kind === 'trash' ? `${held.reason}, and NOT in the archive` : `${held.reason}: a folder ingest skips it, so it is not in the archive (ingest it by naming it, or remove it)` });
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
    for (const c of toRead) if (!done.has(c.path)) entries.push({ path: c.path, status: 'unreadable', bytes: c.bytes, reason: 'not compared: the comparison was cancelled' });
  }
  const counts: Record<CompareStatus, number> = { archived: 0, missing: 0, changed: 0, 'object-missing': 0, deleted: 0, unreadable: 0, hidden: 0, ignored: 0 };
  for (const e of entries) counts[e.status]++;
  const hashLists = mhl && !interrupted ? mhl.verdicts() : null;
  const blocking = entries.length - counts.archived - counts.ignored + hashListBlocking(hashLists);
  // Nothing found is never "safe": a card not mounted, or a mistyped path, reads as an empty folder.
  return { path, safeToFormat: !interrupted && blocking === 0 && filesHashed > 0, filesHashed, bytesHashed, counts, entries, interrupted, archiveCheck: opts.quick ? 'size-only' : 'sha256', hashLists, blocking,
    hashListMismatches: hashListMismatchContext(db, hashLists, entries) };
}
