// Writes an evidence set as a BagIt 1.0 bag (RFC 8493), so that any BagIt validator, or plain
// `sha256sum -c manifest-sha256.txt`, can check it without this software.

import { createHash } from 'node:crypto';
import { chmod, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type Digests, type JobProgress } from '../../common/types.ts';
import { syncDir } from '../durable.ts';
import { PayloadCorruptError } from '../errors.ts';
import { makeDirs } from '../dirs.ts';

/** One original to put under `data/`. */
export interface BagPayloadFile {
  /** Absolute path of the archived object to copy. */
  source: string;
  /** Path relative to `data/`, "/"-separated, e.g. "Көк-Таш/IMG_0001.JPG" (see payloadPaths). */
  path: string;
  /** Expected size in bytes. */
  bytes: number;
  /** Expected digests (lower- or upper-case hex); every sha256/sha1/md5 given is checked against the copy. */
  digests: Digests;
}

/** A tag file to write beside the payload, e.g. { path: 'evidence/items.json', content }. */
export interface BagTagFile {
  /** Path relative to the bag directory, "/"-separated, outside `data/`. */
  path: string;
  /** Strings are written as UTF-8. */
  content: string | Buffer;
}

export interface WriteBagOptions {
  /** The bag directory to create; must not exist, or must be an empty directory. */
  outDir: string;
  payload: BagPayloadFile[];
  tagFiles: BagTagFile[];
  /** bag-info.txt elements in the order given; an array repeats the label once per value. */
  bagInfo: Record<string, string | string[]>;
  /** One manifest-<alg>.txt and tagmanifest-<alg>.txt per algorithm; sha256 is always added. */
  algorithms: DigestAlgorithm[];
  /** Called at file starts and ends and at most every 200 ms while copying; bytes are payload bytes. */
  onProgress?: (p: JobProgress) => void;
  signal?: AbortSignal;
  /**
   * Writes an unfinished bag: this marker file first (fsynced before any payload), and no
   * bagit.txt, so that no validator accepts the folder (RFC 8493 §2.1.1 makes the declaration
   * required) until completeBag adds the declaration and removes the marker.
   */
  incomplete?: { markerName: string; markerContent: string };
}

export interface BagResult {
  /** Absolute path of the bag directory. */
  bagDir: string;
  /** "<octets>.<files>", as written to bag-info.txt. */
  payloadOxum: string;
  payloadFiles: number;
  /** Total payload size in bytes. */
  payloadBytes: number;
  /** Lower-case hex SHA-256 of tagmanifest-sha256.txt: one value that pins every tag file and, through the manifests, every payload file. */
  tagManifestSha256: string;
  /** Lower-case hex SHA-256 of manifest-sha256.txt. */
  manifestSha256: string;
}

/** Exact bag declaration of RFC 8493 §2.1.1 for version 1.0. */
const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** Read/write chunk: large enough that syscalls don't dominate, small enough that memory stays flat. */
const CHUNK_BYTES = 8 * 1024 * 1024;

const PROGRESS_INTERVAL_MS = 200;

/** RFC 8493 §2.2.2 recommends lines of at most 79 characters. */
const BAG_INFO_WIDTH = 79;
const BAG_INFO_INDENT = '  ';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha1: 40, md5: 32 };

/**
 * A path as it must appear in a BagIt manifest: CR, LF and "%" percent-encoded as "%0D", "%0A"
 * and "%25", nothing else (RFC 8493 §2.1.3). Input and output are "/"-separated strings.
 */
export function encodeManifestPath(path: string): string {
  return path.replace(/[%\r\n]/gu, (c) => (c === '%' ? '%25' : c === '\r' ? '%0D' : '%0A'));
}

/**
 * Writes a BagIt 1.0 bag (RFC 8493) at `opts.outDir`:
 * - `data/<path>` for every payload file, copied in 8 MiB chunks (memory stays flat for multi-GiB
 *   files) with all digests computed in the same read pass, fsynced, then made read-only;
 * - `manifest-<alg>.txt` per algorithm (§2.1.3): "<hex>  data/<path>" lines, sorted by path,
 *   "/"-separated, CR/LF/% percent-encoded, so `sha256sum -c` reads them too;
 * - the tag files given (§2.2.4), then `bag-info.txt` (§2.2.2): elements in the order given, long
 *   or multi-line values folded onto indented continuation lines, then `Bagging-Date` (UTC,
 *   YYYY-MM-DD) and `Payload-Oxum` ("<octets>.<file count>") unless given;
 * - `tagmanifest-<alg>.txt` per algorithm (§2.2.1) covering bagit.txt, bag-info.txt, every payload
 *   manifest and every tag file;
 * - `bagit.txt` (§2.1.1) last, so a bag interrupted by a crash is not mistaken for a finished one;
 *   with `incomplete`, a marker file first and no bagit.txt at all (see completeBag).
 *
 * Every digest given in `payload[i].digests` is compared with the copy's, and the byte count with
 * `payload[i].bytes`: a mismatch means the archive's object is corrupt (or the listing is wrong),
 * and the export must not carry it. On any error or abort, everything written is removed (and the
 * directory too, if this call created it), then the error is rethrown.
 *
 * Throws:
 * - Error naming `outDir` if it exists and is not an empty directory;
 * - TypeError for invalid options: a relative `source`; a payload or tag path that is empty,
 *   absolute, holds "\", "." or ".." segments, repeats another (case-insensitively), or is both a
 *   file and a folder; a tag file under `data/` or named like a BagIt-defined file; an unknown
 *   algorithm; a digest that is not hex of the right length; a bag-info label with ":", CR, LF or
 *   edge whitespace; a repeated or wrong `Payload-Oxum`;
 * - Error naming the payload path and both values when a copy's digest or size differs from the
 *   expected one;
 * - the signal's reason when aborted; file-system errors (ENOENT on a missing source, ENOSPC...).
 */
export async function writeBag(opts: WriteBagOptions): Promise<BagResult> {
  const algorithms = normalizeAlgorithms(opts.algorithms);
  validatePayload(opts.payload);
  validateTagFiles(opts.tagFiles);
  const payloadBytes = opts.payload.reduce((sum, p) => sum + p.bytes, 0);
  const payloadOxum = `${payloadBytes}.${opts.payload.length}`;
  const bagInfoText = formatBagInfo(opts.bagInfo, payloadOxum, new Date());
  opts.signal?.throwIfAborted();

  const bagDir = resolve(opts.outDir);
  const created = await prepareOutDir(bagDir);
  try {
    if (opts.incomplete) {
      await writeDurably(join(bagDir, opts.incomplete.markerName), Buffer.from(opts.incomplete.markerContent, 'utf8'));
      // The marker's own entry, so a crash right after cannot leave the folder without it.
      await syncDir(bagDir);
    }
    const dirs = new Set<string>([bagDir, join(bagDir, 'data')]);
    makeDirs(join(bagDir, 'data'));

    const payloadDigests = await copyPayload(bagDir, opts, algorithms, payloadBytes, dirs);

    // Tag file name → bytes, for the tag manifests.
    const tagBytes = new Map<string, Buffer>();
    for (const t of opts.tagFiles) {
      const buf = typeof t.content === 'string' ? Buffer.from(t.content, 'utf8') : t.content;
      const full = join(bagDir, ...t.path.split('/'));
      makeDirs(dirname(full));
      dirs.add(dirname(full));
      await writeDurably(full, buf);
      tagBytes.set(t.path, buf);
    }

    for (const alg of algorithms) {
      const lines = opts.payload.map((p, i) => ({ path: `data/${p.path}`, hex: payloadDigests[i]?.[alg] ?? '' }));
      const buf = Buffer.from(manifestText(lines), 'utf8');
      await writeDurably(join(bagDir, `manifest-${alg}.txt`), buf);
      tagBytes.set(`manifest-${alg}.txt`, buf);
    }

    const bagInfo = Buffer.from(bagInfoText, 'utf8');
    await writeDurably(join(bagDir, 'bag-info.txt'), bagInfo);
    tagBytes.set('bag-info.txt', bagInfo);
    const bagitTxt = Buffer.from(BAGIT_TXT, 'utf8');
    tagBytes.set('bagit.txt', bagitTxt);

    let tagManifestSha256 = '';
    for (const alg of algorithms) {
      const lines = [...tagBytes].map(([path, buf]) => ({ path, hex: createHash(alg).update(buf).digest('hex') }));
      const buf = Buffer.from(manifestText(lines), 'utf8');
      await writeDurably(join(bagDir, `tagmanifest-${alg}.txt`), buf);
      if (alg === 'sha256') tagManifestSha256 = createHash('sha256').update(buf).digest('hex');
    }

    opts.signal?.throwIfAborted();
    if (!opts.incomplete) await writeDurably(join(bagDir, 'bagit.txt'), bagitTxt);
    for (const d of dirs) await syncDir(d);

    const manifest = tagBytes.get('manifest-sha256.txt') ?? Buffer.alloc(0);
    return {
      bagDir,
      payloadOxum,
      payloadFiles: opts.payload.length,
      payloadBytes,
      tagManifestSha256,
      manifestSha256: createHash('sha256').update(manifest).digest('hex'),
    };
  } catch (err) {
    await removePartialBag(bagDir, created);
    throw err;
  }
}

function normalizeAlgorithms(given: readonly DigestAlgorithm[]): DigestAlgorithm[] {
  for (const a of given) {
    if (!DIGEST_ALGORITHMS.includes(a)) throw new TypeError(`writeBag: unknown digest algorithm ${JSON.stringify(a)}`);
  }
  // sha256 first: it is the one courts expect, and the order fixes the tag manifests' content.
  return DIGEST_ALGORITHMS.filter((a) => a === 'sha256' || given.includes(a));
}

/** Case- and normalization-insensitive key: two paths with the same key are one file on NTFS/APFS. */
function pathKey(p: string): string {
  return p.normalize('NFC').toUpperCase().toLowerCase();
}

function checkRelativePath(p: string, what: string): void {
  // "\" is a separator on Windows and in zip tools (yazl turns it into "/"), so it would silently
  // change the bag's structure on the recipient's side.
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || /^[A-Za-z]:/u.test(p) || p.includes('\\') || p.includes('\0')) {
    throw new TypeError(`writeBag: ${what} path ${JSON.stringify(p)} must be a relative "/"-separated path`);
  }
  if (p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new TypeError(`writeBag: ${what} path ${JSON.stringify(p)} has an empty, "." or ".." segment`);
  }
}

/** Throws on duplicate paths and on a path that is also another path's folder. */
function checkNoOverlap(paths: readonly string[], what: string): void {
  const files = new Map<string, string>();
  for (const p of paths) {
    const k = pathKey(p);
    const prev = files.get(k);
    if (prev !== undefined) throw new TypeError(`writeBag: ${what} paths ${JSON.stringify(prev)} and ${JSON.stringify(p)} name the same file on case-insensitive file systems`);
    files.set(k, p);
  }
  for (const p of paths) {
    const segs = p.split('/');
    for (let i = 1; i < segs.length; i++) {
      const parent = files.get(pathKey(segs.slice(0, i).join('/')));
      if (parent !== undefined) throw new TypeError(`writeBag: ${what} path ${JSON.stringify(parent)} is a file but ${JSON.stringify(p)} needs it as a folder`);
    }
  }
}

function validatePayload(payload: readonly BagPayloadFile[]): void {
  for (const p of payload) {
    checkRelativePath(p.path, 'payload');
    if (typeof p.source !== 'string' || !isAbsolute(p.source)) {
      throw new TypeError(`writeBag: source of payload ${JSON.stringify(p.path)} must be an absolute path, got ${JSON.stringify(p.source)}`);
    }
    if (!Number.isSafeInteger(p.bytes) || p.bytes < 0) {
      throw new TypeError(`writeBag: bytes of payload ${JSON.stringify(p.path)} must be a non-negative integer, got ${String(p.bytes)}`);
    }
    if (typeof p.digests?.sha256 !== 'string') throw new TypeError(`writeBag: payload ${JSON.stringify(p.path)} has no sha256 digest`);
    for (const [alg, hex] of Object.entries(p.digests)) {
      if (hex === undefined) continue;
      const len = HEX_LENGTH[alg as DigestAlgorithm] as number | undefined;
      // An algorithm Node cannot compute (e.g. a later xxh64 for ASC MHL) is not checked here;
      // sha256, always present and always checked, already proves the content.
      if (len === undefined) continue;
      if (typeof hex !== 'string' || hex.length !== len || !/^[0-9a-f]+$/iu.test(hex)) {
        throw new TypeError(`writeBag: payload ${JSON.stringify(p.path)} has a malformed ${alg} digest ${JSON.stringify(hex)}`);
      }
    }
  }
  checkNoOverlap(payload.map((p) => p.path), 'payload');
}

function validateTagFiles(tagFiles: readonly BagTagFile[]): void {
  for (const t of tagFiles) {
    checkRelativePath(t.path, 'tag file');
    const k = pathKey(t.path);
    if (k === 'data' || k.startsWith('data/')) throw new TypeError(`writeBag: tag file ${JSON.stringify(t.path)} may not be inside data/ (RFC 8493 §2.1.2)`);
    if (/^(bagit|bag-info|fetch)\.txt$|^(tag)?manifest-[^/]*\.txt$/u.test(k)) {
      throw new TypeError(`writeBag: tag file ${JSON.stringify(t.path)} would replace a file BagIt defines`);
    }
  }
  checkNoOverlap(tagFiles.map((t) => t.path), 'tag file');
}

/**
 * bag-info.txt text (RFC 8493 §2.2.2). Long values are folded at spaces, and line breaks inside a
 * value become continuation lines: the spec keeps the line break and drops the indent, so the
 * value a reader recovers differs from the one given only in whitespace.
 */
function formatBagInfo(bagInfo: Record<string, string | string[]>, payloadOxum: string, now: Date): string {
  const elements: [string, string][] = [];
  for (const [label, value] of Object.entries(bagInfo)) {
    if (label === '' || /[:\r\n]/u.test(label) || label.trim() !== label) {
      throw new TypeError(`writeBag: bag-info label ${JSON.stringify(label)} must not contain ":", CR or LF, nor start or end with whitespace`);
    }
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string') throw new TypeError(`writeBag: bag-info ${label} value must be a string`);
      elements.push([label, v]);
    }
  }
  // Reserved labels are case-insensitive (§2.2.2).
  const has = (name: string) => elements.filter(([l]) => l.toLowerCase() === name.toLowerCase());
  const oxum = has('Payload-Oxum');
  if (oxum.length > 1) throw new TypeError('writeBag: Payload-Oxum must not be repeated (RFC 8493 §2.2.2)');
  if (oxum.length === 1 && oxum[0]?.[1].trim() !== payloadOxum) {
    throw new TypeError(`writeBag: Payload-Oxum given as ${JSON.stringify(oxum[0]?.[1])} but the payload is ${payloadOxum}`);
  }
  if (has('Bagging-Date').length === 0) elements.push(['Bagging-Date', now.toISOString().slice(0, 10)]);
  if (oxum.length === 0) elements.push(['Payload-Oxum', payloadOxum]);
  return elements.map(([l, v]) => foldElement(l, v)).join('');
}

function foldElement(label: string, value: string): string {
  const out: string[] = [];
  value.split(/\r\n|\r|\n/u).forEach((text, i) => {
    const start = i === 0 ? `${label}: ` : BAG_INFO_INDENT;
    let line = start;
    let empty = true;
    for (const word of text.split(' ')) {
      if (empty) {
        line += word;
        empty = false;
      } else if (word !== '' && line.length + 1 + word.length > BAG_INFO_WIDTH && line.trim() !== start.trim()) {
        out.push(line);
        line = BAG_INFO_INDENT + word;
      } else {
        line += ' ' + word;
      }
    }
    out.push(line);
  });
  return out.map((l) => l + '\n').join('');
}

/** Manifest text: "<hex>  <encoded path>" per line, sorted by UTF-8 bytes so output is reproducible. */
function manifestText(lines: { path: string; hex: string }[]): string {
  return [...lines]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')))
    .map((l) => `${l.hex}  ${encodeManifestPath(l.path)}\n`)
    .join('');
}

/** Creates the bag directory or checks it is empty; returns true when this call created it. */
async function prepareOutDir(bagDir: string): Promise<boolean> {
  let st;
  try {
    st = await stat(bagDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    makeDirs(bagDir);
    return true;
  }
  if (!st.isDirectory()) throw new Error(`writeBag: ${bagDir} exists and is not a directory; the bag directory must not exist or be empty`);
  const entries = await readdir(bagDir);
  if (entries.length > 0) throw new Error(`writeBag: ${bagDir} is not empty (${entries.length} entries); the bag directory must not exist or be empty`);
  return false;
}

/** Leaves no half-written bag behind that someone could take for a finished one. */
async function removePartialBag(bagDir: string, created: boolean): Promise<void> {
  try {
    if (created) {
      await rm(bagDir, { recursive: true, force: true });
    } else {
      // The directory was empty when we started, so everything in it is ours.
      for (const name of await readdir(bagDir)) await rm(join(bagDir, name), { recursive: true, force: true });
    }
  } catch {
    // The original error matters more than a failed clean-up.
  }
}

/** Copies every payload file; returns the computed digests per payload entry, in input order. */
async function copyPayload(
  bagDir: string,
  opts: WriteBagOptions,
  algorithms: DigestAlgorithm[],
  bytesTotal: number,
  dirs: Set<string>,
): Promise<Record<string, string>[]> {
  const filesTotal = opts.payload.length;
  let filesDone = 0;
  let bytesDone = 0;
  let lastReport = 0;
  const report = (currentFile: string | null, force: boolean, fileBytes: number) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    opts.onProgress({ filesDone, filesTotal, bytesDone: bytesDone + fileBytes, bytesTotal, currentFile });
  };

  const results: Record<string, string>[] = [];
  for (const p of opts.payload) {
    opts.signal?.throwIfAborted();
    const manifestPath = `data/${p.path}`;
    report(manifestPath, true, 0);
    const dest = join(bagDir, 'data', ...p.path.split('/'));
    makeDirs(dirname(dest));
    dirs.add(dirname(dest));
    // Every algorithm we write, plus any other the caller gave a value for, so all are checked.
    const algs = DIGEST_ALGORITHMS.filter((a) => algorithms.includes(a) || p.digests[a] !== undefined);
    const copied = await copyWithDigests(p.source, dest, algs, opts.signal, (n) => report(manifestPath, false, n));

    if (copied.bytes !== p.bytes) {
      throw new PayloadCorruptError(manifestPath, p.source, `${copied.bytes} bytes, expected ${p.bytes}`);
    }
    const bad = algs
      .filter((a) => p.digests[a] !== undefined && p.digests[a]?.toLowerCase() !== copied.digests[a])
      .map((a) => `${a} ${copied.digests[a]} (expected ${p.digests[a]?.toLowerCase()})`);
    if (bad.length > 0) {
      throw new PayloadCorruptError(manifestPath, p.source, bad.join(', '));
    }
    // Read-only so that nobody edits evidence in place by accident before it is handed over.
    await chmod(dest, 0o444);
    results.push(copied.digests);
    filesDone++;
    bytesDone += copied.bytes;
    report(manifestPath, true, 0);
  }
  report(null, true, 0);
  return results;
}

/**
 * Streams `src` to a new file `dest` (which must not exist), updating every digest from the same
 * buffers; the next read overlaps the current write. fsyncs `dest` before returning.
 */
async function copyWithDigests(
  src: string,
  dest: string,
  algs: readonly DigestAlgorithm[],
  signal: AbortSignal | undefined,
  onBytes: (bytesSoFar: number) => void,
): Promise<{ bytes: number; digests: Record<string, string> }> {
  const hashes = algs.map((a) => [a, createHash(a)] as const);
  const input = await open(src, 'r');
  try {
    const output = await open(dest, 'wx', 0o644);
    try {
      let buf = Buffer.allocUnsafe(CHUNK_BYTES);
      let spare = Buffer.allocUnsafe(CHUNK_BYTES);
      let total = 0;
      let n = (await input.read(buf, 0, CHUNK_BYTES, null)).bytesRead;
      while (n > 0) {
        signal?.throwIfAborted();
        const chunk = buf.subarray(0, n);
        for (const [, h] of hashes) h.update(chunk);
        const [r] = await Promise.all([input.read(spare, 0, CHUNK_BYTES, null), writeAll(output, chunk)]);
        total += n;
        onBytes(total);
        n = r.bytesRead;
        [buf, spare] = [spare, buf];
      }
      await output.sync();
      const digests: Record<string, string> = {};
      for (const [a, h] of hashes) digests[a] = h.digest('hex');
      return { bytes: total, digests };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off, null);
    off += bytesWritten;
  }
}

/** Writes a new file (refusing to overwrite) and fsyncs it, so a finished bag survives a power cut. */
async function writeDurably(path: string, buf: Buffer): Promise<void> {
  const fh = await open(path, 'wx', 0o644);
  try {
    await writeAll(fh, buf);
    await fh.sync();
  } finally {
    await fh.close();
  }
}


/**
 * Finishes a bag written by writeBag with `incomplete`: writes bagit.txt (RFC 8493 §2.1.1; the
 * tag manifests already list its exact bytes), removes the marker `markerName`, and fsyncs the
 * folder. From here on the folder is a valid bag. Idempotent, so a run killed half-way through can
 * call it again: an existing bagit.txt must hold exactly the declaration, a missing marker is fine.
 * Throws Error when an existing bagit.txt differs; fs errors pass through.
 */
export async function completeBag(bagDir: string, markerName: string): Promise<void> {
  const decl = join(bagDir, 'bagit.txt');
  let existing: Buffer | null = null;
  try {
    existing = await readFile(decl);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing === null) await writeDurably(decl, Buffer.from(BAGIT_TXT, 'utf8'));
  else if (existing.toString('utf8') !== BAGIT_TXT) throw new Error(`completeBag: ${decl} exists and is not the BagIt 1.0 declaration; not touching the bag`);
  await rm(join(bagDir, markerName), { force: true });
  await syncDir(bagDir);
}

/**
 * Adds tag files to a bag written by writeBag (before completeBag, e.g. a report made from the
 * bag's own tag files) and lists them in every tagmanifest-<alg>.txt (RFC 8493 §2.2.1), rewritten
 * sorted as writeBag writes them. A path the manifests already list is replaced. Returns the new
 * lower-case hex SHA-256 of tagmanifest-sha256.txt, which the export then records.
 * Throws TypeError for a path writeBag would refuse (see writeBag), Error when the bag has no
 * tagmanifest-sha256.txt; fs errors pass through.
 */
export async function addTagFiles(bagDir: string, files: BagTagFile[]): Promise<string> {
  validateTagFiles(files);
  const names = (await readdir(bagDir)).filter((n) => /^tagmanifest-[a-z0-9]+\.txt$/u.test(n));
  if (!names.includes('tagmanifest-sha256.txt')) throw new Error(`addTagFiles: ${bagDir} has no tagmanifest-sha256.txt`);
  const written = new Map<string, Buffer>();
  for (const t of files) {
    const buf = typeof t.content === 'string' ? Buffer.from(t.content, 'utf8') : t.content;
    const full = join(bagDir, ...t.path.split('/'));
    makeDirs(dirname(full));
    await rm(full, { force: true });
    await writeDurably(full, buf);
    await syncDir(dirname(full));
    written.set(t.path, buf);
  }
  let sha256 = '';
  for (const name of names) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    const lines = (await readFile(join(bagDir, name), 'utf8')).split('\n').filter((l) => l !== '').map((l) => {
      const at = l.indexOf('  ');
      return { hex: l.slice(0, at), path: l.slice(at + 2).replace(/%0D|%0A|%25/gu, (c) => (c === '%25' ? '%' : c === '%0D' ? '\r' : '\n')) };
    }).filter((l) => !written.has(l.path));
    for (const [path, buf] of written) lines.push({ path, hex: createHash(alg).update(buf).digest('hex') });
    const buf = Buffer.from(manifestText(lines), 'utf8');
    await rm(join(bagDir, name), { force: true });
    await writeDurably(join(bagDir, name), buf);
    if (alg === 'sha256') sha256 = createHash('sha256').update(buf).digest('hex');
  }
  await syncDir(bagDir);
  return sha256;
}
