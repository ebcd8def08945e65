// What a recipient runs on an exported evidence set: BagIt 1.0 validation (RFC 8493) plus the
// checks only our tag files make possible (the custody excerpt and the item list). Independent of
// the exporter's code on purpose, so one bug cannot both write and bless a bad bag.

import { CAPTURE_TIMES_ELEMENT } from '../../common/captured-at.ts';
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CustodyEvent } from '../../common/types.ts';
import { verifyChain } from '../custody/hash.ts';
import { checkFixityRuns } from './bag-fixity-runs.ts';
import { dropCachedPages } from '../page-cache.ts';
import { contentHash } from '../custody/content-hash.ts';
import { LATER_NORMALIZED_RECORD_KEYS, NORMALIZED_RECORD_KEYS } from '../../common/types.ts';
import { itemsCsvProblems, type ItemsCsvNames } from './bag-csv.ts';
import type { SaidParams } from '../../common/said.ts';
import { lastTaggingEvents, peopleIndex, tagFieldProblems, type PeopleIndex } from './bag-tags.ts';

/** One problem: the bag-relative file ("data/...", "evidence/custody.json") and/or custody seq it concerns. */
export interface BagProblem {
  file?: string;
  seq?: number;
  /** The English sentence; kept word for word (tests and outside readers read it). */
  reason: string;
  /** What `reason` says, as a stable code ("payload.altered") for readers in other languages; absent where only the English exists. */
  code?: string;
  /** The values `code`'s sentence names (file names and hashes from the bag: untrusted text). */
  params?: SaidParams;
}

export interface BagReport {
  /** True when no problem was found. */
  valid: boolean;
  /** Absolute path of the bag directory checked. */
  bagDir: string;
  /** Regular files found under data/. */
  payloadFiles: number;
  /** Their total size in bytes. */
  payloadBytes: number;
  /** Every problem found, in the order the checks ran. */
  problems: BagProblem[];
  /** Lower-case hex SHA-256 of tagmanifest-sha256.txt as found, to compare with the value recorded at export; null if absent. */
  tagManifestSha256: string | null;
}

const CUSTODY_FILE = 'evidence/custody.json';
const ITEMS_FILE = 'evidence/items.json';
const ITEMS_CSV_FILE = 'evidence/items.csv';
const PEOPLE_FILE = 'evidence/people.json';
/** The tag files without which a bag is not an evidence set. */
const REQUIRED_TAG_FILES = [ITEMS_FILE, ITEMS_CSV_FILE, CUSTODY_FILE];
const READ_CHUNK = 4 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/u;
/** The fields custodyRowHash covers, plus `hash`; anything else in an event is unprotected. */
const EVENT_FIELDS = new Set(['seq', 'at', 'actor', 'type', 'item', 'detail', 'prevHash', 'hash']);

interface FileEntry {
  /** Path relative to the bag, "/"-separated, as found on disk. */
  rel: string;
  size: number;
  regular: boolean;
}

interface ManifestEntry {
  path: string;
  hex: string;
}

interface Manifest {
  name: string;
  alg: string;
  entries: ManifestEntry[];
}

/**
 * Verifies the bag at `dir` and returns every problem found, never just the first.
 *
 * BagIt (RFC 8493): `bagit.txt` present, no BOM, "BagIt-Version: 1.0" and
 * "Tag-File-Character-Encoding: UTF-8" (§2.1.1); no `fetch.txt` (§2.2.3: an evidence set is
 * complete); a `data/` directory (§2.1.2); at least one
 * `manifest-<alg>.txt` (§2.1.3), each line "<hex> <path>" with %0D/%0A/%25 decoded, every path
 * under data/, without "..", listed once, present, and matching its digest; every file under
 * data/ listed in every payload manifest; every `tagmanifest-<alg>.txt` (§2.2.1) listing every
 * payload manifest and no payload file, each listed tag file present and matching;
 * `Payload-Oxum` in `bag-info.txt` (§2.2.2), if present, equal to "<bytes>.<files>" of data/.
 * Paths are compared in Unicode NFC, since macOS may hand back names in another normalization.
 * Each file is read once, streaming, for all algorithms that list it.
 *
 * Evidence sets: `evidence/items.json`, `evidence/items.csv` and `evidence/custody.json` must be
 * present, there must be a tag manifest, and files under `evidence/` must be listed in every tag
 * manifest (else their content is unprotected). If `evidence/custody.json` exists (`{ chainHead: { seq, hash }, events }`,
 * events a seq-ordered subset of the archive's custody chain, DESIGN.md §3): events sorted with
 * unique seq; each event's hash recomputes (custodyRowHash, RFC 8785 JCS + SHA-256); where seqs
 * n and n+1 are both present, the second's prevHash is the first's hash; no seq exceeds
 * chainHead.seq; the event at chainHead.seq, if present, has hash chainHead.hash; no fields
 * outside the hashed ones; `withheldSeqs`, if present (a set for public release lists there the
 * seqs of the exported items' events it left out), ascending unique positive integers, none
 * beyond chainHead.seq nor present among the events. If `evidence/items.json` exists (array of
 * `{ sha256, path: "data/..." }`): each item's sha256 equals the manifest-sha256 digest of its
 * path; every manifest-sha256 path and every file under data/ is an item, and every item's path
 * a file under data/; every item has an "ingestion" event whose `item` is its sha256, a
 * "message digest calculation" event recording its sha256, and a "metadata extraction" event
 * with a recordSha256 that the item's normalized record in items.json hashes to. Only in a bag whose bag-info.txt has an `Evidence-Redaction` element may an
 * item lack it, and then only when the excerpt holds the item's "message digest calculation"
 * event recording its sha256 (detail.digests.sha256) and lists the seq just before that event,
 * where ingest records the ingestion, in withheldSeqs; likewise it may lack the metadata extraction
 * event only when the seq two after the digest event, where ingest records it, is withheld. In a
 * set without Evidence-Redaction (whose excerpt holds every event of its items), each item's
 * places, people, incidents, cases, tags, description and notes must equal the `after` of its
 * last tagging event in the excerpt, or be empty when it has none (bag-tags.ts); checked only when
 * no seq declared withheld follows that event (none at all for an item without one). If both
 * `evidence/items.csv` and a usable items.json exist, the CSV must say what items.json says
 * (bag-csv.ts itemsCsvProblems): the exporter's byte-order mark and header, one row per item
 * matched by sha256 in any order, and in each row every column holding the cell the exporter
 * writes for the item's value; a CSV that cannot be parsed is one problem.
 *
 * Problems carry `file` (bag-relative, as written in the manifest or found on disk) and/or `seq`.
 * A folder with no bagit.txt, no data/ and no manifest is one problem: it is not a bag.
 *
 * Throws Error only when `dir` is missing, not a directory or unreadable; a bad bag is reported,
 * never thrown. Cancelling `opts.signal` stops the check within one read chunk of the file being
 * hashed, rejecting with the signal's AbortError.
 */
export async function verifyBag(dir: string, opts: { signal?: AbortSignal } = {}): Promise<BagReport> {
  const signal = opts.signal;
  const bagDir = resolve(dir);
  try {
    if (!(await stat(bagDir)).isDirectory()) throw new Error('not a directory');
    await readdir(bagDir);
  } catch (e) {
    throw new Error(`verifyBag: cannot read bag directory ${bagDir}: ${(e as Error).message}`);
  }

  const problems: BagProblem[] = [];
  const guard = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      if (signal?.aborted) throw e; // stopped, not a problem of the bag
      problems.push({ code: 'check.failed', params: { what, error: (e as Error).message }, reason: `could not check ${what}: ${(e as Error).message}` });
    }
  };

  const files = await listFiles(bagDir, problems);
  const payload = [...files.values()].filter((f) => f.regular && f.rel.startsWith('data/'));
  const payloadBytes = payload.reduce((sum, f) => sum + f.size, 0);
  const hasData = await isDirectory(join(bagDir, 'data'));
  // The marker an export writes first and removes only once the archive has recorded the set (export/runs.ts).
  if (files.has('EXPORT-INCOMPLETE.txt')) {
    problems.push({ file: 'EXPORT-INCOMPLETE.txt', code: 'export.incomplete', params: {}, reason: 'an unfinished export, not an evidence set: it was interrupted or is still being written; do not hand it over (the next `evidence export` on its archive removes or finishes it)' });
  }
  // Nothing of a bag at all: one plain problem rather than one for each part that is missing.
  if (!hasData && !files.has('bagit.txt') && ![...files.keys()].some((rel) => /^(tag)?manifest-[^/]+\.txt$/u.test(rel))) {
    problems.push({ code: 'bag.not-a-bag', params: {}, reason: 'not a BagIt bag: no bagit.txt, no data/ folder and no manifest (RFC 8493 §2.1); give the folder the export wrote (a .zip must be unzipped first)' });
    return { valid: false, bagDir, payloadFiles: 0, payloadBytes: 0, problems, tagManifestSha256: null };
  }
  if (!hasData) problems.push({ file: 'data/', code: 'bag.no-data', params: {}, reason: 'payload directory data/ is missing (RFC 8493 §2.1.2)' });

  await guard('bagit.txt', () => checkDeclaration(bagDir, files, problems));
  if (files.has('fetch.txt')) {
    problems.push({ file: 'fetch.txt', code: 'bag.fetch', params: {}, reason: 'the bag has a fetch.txt, so it is incomplete (RFC 8493 §2.2.3): an evidence set carries every file itself and never has one' });
  }
  for (const rel of REQUIRED_TAG_FILES) {
    if (!files.get(rel)?.regular) problems.push({ file: rel, code: 'tagfile.required-missing', params: {}, reason: 'missing: an evidence set always carries evidence/items.json, evidence/items.csv and evidence/custody.json' });
  }

  const manifests: Manifest[] = [];
  const tagManifests: Manifest[] = [];
  await guard('manifests', async () => {
    for (const f of [...files.values()].filter((x) => x.regular && !x.rel.includes('/')).sort(byRel)) {
      const m = /^(tag)?manifest-(.+)\.txt$/u.exec(f.rel);
      if (!m?.[2]) continue;
      const parsed = await parseManifest(bagDir, f.rel, m[2], m[1] === 'tag', problems);
      if (parsed) (m[1] === 'tag' ? tagManifests : manifests).push(parsed);
    }
    if (manifests.length === 0) problems.push({ code: 'manifest.none', params: {}, reason: 'no payload manifest manifest-<alg>.txt (RFC 8493 §2.1.3)' });
  });

  await guard('digests', () => checkDigests(bagDir, files, manifests, tagManifests, problems, signal));
  await guard('payload listing', async () => {
    for (const m of manifests) {
      const listed = new Set(m.entries.map((e) => nfc(e.path)));
      for (const f of payload) {
        if (!listed.has(nfc(f.rel))) problems.push({ file: f.rel, code: 'payload.unlisted', params: { manifest: m.name }, reason: `payload file not listed in ${m.name}` });
      }
    }
  });
  await guard('tag manifest coverage', async () => checkTagCoverage(files, manifests, tagManifests, problems));
  let bagInfo: [string, string][] = [];
  await guard('bag-info.txt', async () => {
    bagInfo = await readBagInfo(bagDir, files, problems);
  });
  await guard('Payload-Oxum', async () => checkOxum(bagInfo, payload.length, payloadBytes, problems));
  // A set for public release says so; only such a set may withhold its items' ingestion events.
  const redacted = bagInfo.some(([l, v]) => l.toLowerCase() === 'evidence-redaction' && v !== '');

  let custody: Excerpt | null = null;
  await guard(CUSTODY_FILE, async () => {
    custody = await checkCustody(bagDir, files, problems);
  });
  const withheld = (custody as Excerpt | null)?.withheld.size ?? 0;
  if (!redacted && withheld > 0) {
    // A full set's excerpt holds every event of its items; withholding is for declared public releases only.
    problems.push({ file: CUSTODY_FILE, code: 'custody.withheld-unredacted', params: { count: withheld }, reason: `custody.json lists ${withheld} withheld seq(s), but bag-info.txt declares no Evidence-Redaction: only a set for public release may withhold events` });
  }
  let items: unknown[] | null = null;
  await guard(ITEMS_FILE, async () => {
    items = await checkItems(bagDir, files, manifests, payload, custody, redacted, problems);
  });
  await guard('fixity runs', async () => {
    const c = custody as Excerpt | null;
    if (!c || c.fixityRuns === undefined) return;
    // The runs checked the originals: a redacted copy (export --redacted-media) stands for its original here too.
    const shas = new Set(((items as unknown[] | null) ?? []).flatMap((i) => {
      if (!isRecord(i) || typeof i.sha256 !== 'string') return [];
      const sha = i.sha256.toLowerCase();
      return [redactedOrigin(i, sha, c.events)?.sha256 ?? sha];
    }));
    for (const p of checkFixityRuns(c.fixityRuns, shas, c.events, c.headSeq ?? null, redacted)) problems.push({ file: CUSTODY_FILE, ...(p.seq === undefined ? {} : { seq: p.seq }), reason: p.reason, ...(p.code ? { code: p.code, params: p.params ?? {} } : {}) });
  });
  // Sets since issue 15 declare that items.csv names people, places, incidents and cases; older ones have JSON cells.
  const readableCsv = bagInfo.some(([l, v]) => l.toLowerCase() === 'evidence-items-csv' && v !== '');
  const wallClockCsv = bagInfo.some(([l, v]) => l.toLowerCase() === CAPTURE_TIMES_ELEMENT.toLowerCase() && v !== '');
  await guard(ITEMS_CSV_FILE, () => checkItemsCsv(bagDir, files, items as unknown[] | null, readableCsv, problems, wallClockCsv));

  let tagManifestSha256: string | null = null;
  const tm = files.get('tagmanifest-sha256.txt');
  if (tm?.regular) {
    await guard('tagmanifest-sha256.txt', async () => {
      tagManifestSha256 = (await digestFile(join(bagDir, tm.rel), ['sha256'])).sha256 ?? null;
    });
  }

  return { valid: problems.length === 0, bagDir, payloadFiles: payload.length, payloadBytes, problems, tagManifestSha256 };
}

function nfc(s: string): string {
  return s.normalize('NFC');
}

function byRel(a: FileEntry, b: FileEntry): number {
  return Buffer.compare(Buffer.from(a.rel, 'utf8'), Buffer.from(b.rel, 'utf8'));
}

function abs(bagDir: string, rel: string): string {
  return join(bagDir, ...rel.split('/'));
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Every file in the bag, keyed by NFC bag-relative path. Symlinks are not followed: they could pull content from outside the bag. */
async function listFiles(bagDir: string, problems: BagProblem[]): Promise<Map<string, FileEntry>> {
  const out = new Map<string, FileEntry>();
  const walk = async (relDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(relDir === '' ? bagDir : abs(bagDir, relDir), { withFileTypes: true });
    } catch (e) {
      problems.push({ file: relDir + '/', code: 'dir.unreadable', params: { error: (e as Error).message }, reason: `cannot list directory: ${(e as Error).message}` });
      return;
    }
    // Sorted so that the report reads the same on every file system.
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
    for (const e of entries) {
      const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
      if (e.isDirectory()) {
        await walk(rel);
      } else if (e.isFile()) {
        let size: number;
        try {
          size = (await stat(abs(bagDir, rel))).size;
        } catch (err) {
          // A name that is not UTF-8 cannot be named in a UTF-8 manifest (RFC 8493 §2.1.3) nor reopened by its decoded text.
          problems.push({ file: rel, code: 'file.bad-name', params: { error: (err as Error).message }, reason: `cannot read this file (its name is probably not UTF-8): ${(err as Error).message}` });
          out.set(nfc(rel), { rel, size: 0, regular: false });
          continue;
        }
        const prev = out.get(nfc(rel));
        if (prev) {
          // Possible on Linux; on macOS or Windows these two would be one file.
          problems.push({ file: rel, code: 'file.normalization', params: { other: prev.rel }, reason: `same name as ${prev.rel} in another Unicode normalization form` });
          out.set(`${nfc(rel)}\0${rel}`, { rel, size, regular: true }); // counted, never looked up
          continue;
        }
        out.set(nfc(rel), { rel, size, regular: true });
      } else {
        problems.push({ file: rel, code: 'file.not-regular', params: {}, reason: 'not a regular file (symlink, device or socket); not followed' });
        out.set(nfc(rel), { rel, size: 0, regular: false });
      }
    }
  };
  await walk('');
  return out;
}

/** UTF-8 text of a tag file; reports invalid UTF-8 (RFC 8493 §2.2.4) and returns the lenient decoding. */
async function readText(bagDir: string, rel: string, problems: BagProblem[]): Promise<string> {
  const buf = await readFile(abs(bagDir, rel));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    problems.push({ file: rel, code: 'text.not-utf8', params: {}, reason: 'not valid UTF-8' });
    return buf.toString('utf8');
  }
}

function splitLines(text: string): string[] {
  // RFC 8493 §2.2.4: lines end in LF, CR or CRLF; nothing else (not U+2028, not U+0085).
  return text.split(/\r\n|\r|\n/u);
}

async function checkDeclaration(bagDir: string, files: Map<string, FileEntry>, problems: BagProblem[]): Promise<void> {
  const f = files.get('bagit.txt');
  if (!f?.regular) {
    problems.push({ file: 'bagit.txt', code: 'bagit.missing', params: {}, reason: 'bag declaration bagit.txt is missing (RFC 8493 §2.1.1)' });
    return;
  }
  const text = await readText(bagDir, f.rel, problems);
  if (text.startsWith('\ufeff')) problems.push({ file: 'bagit.txt', code: 'bagit.bom', params: {}, reason: 'starts with a byte-order mark, which RFC 8493 §2.1.1 forbids' });
  const lines = splitLines(text.replace(/^\ufeff/u, ''));
  if (lines[0] !== 'BagIt-Version: 1.0') {
    problems.push({ file: 'bagit.txt', code: 'bagit.version', params: { found: JSON.stringify(lines[0] ?? '') }, reason: `first line must be "BagIt-Version: 1.0" (RFC 8493 §2.1.1), found ${JSON.stringify(lines[0] ?? '')}` });
  }
  if (lines[1] !== 'Tag-File-Character-Encoding: UTF-8') {
    problems.push({ file: 'bagit.txt', code: 'bagit.encoding', params: { found: JSON.stringify(lines[1] ?? '') }, reason: `second line must be "Tag-File-Character-Encoding: UTF-8", found ${JSON.stringify(lines[1] ?? '')}` });
  }
  if (lines.slice(2).some((l) => l !== '')) problems.push({ file: 'bagit.txt', code: 'bagit.extra-lines', params: {}, reason: 'has lines after the two required ones' });
}

/** RFC 8493 §2.1.3: only %0D, %0A and %25 are encoded; decode in one pass so "%250A" stays "%0A". */
function decodeManifestPath(p: string): string {
  return p.replace(/%(0D|0A|25)/giu, (_m, code: string) => (code.toUpperCase() === '0D' ? '\r' : code.toUpperCase() === '0A' ? '\n' : '%'));
}

function algorithmSupported(alg: string): boolean {
  try {
    createHash(alg);
    return true;
  } catch {
    return false;
  }
}

async function parseManifest(bagDir: string, name: string, alg: string, isTag: boolean, problems: BagProblem[]): Promise<Manifest | null> {
  if (!algorithmSupported(alg)) {
    problems.push({ file: name, code: 'manifest.algorithm', params: { alg: JSON.stringify(alg) }, reason: `unsupported checksum algorithm ${JSON.stringify(alg)}; its entries cannot be checked` });
    return null;
  }
  const hexLength = createHash(alg).digest('hex').length;
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  const text = await readText(bagDir, name, problems);
  splitLines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([0-9A-Fa-f]+)[ \t]+(.+)$/u.exec(line);
    if (!m?.[1] || !m[2]) {
      problems.push({ file: name, code: 'manifest.line', params: { line: i + 1, text: JSON.stringify(line) }, reason: `line ${i + 1} is not "<checksum> <path>": ${JSON.stringify(line)}` });
      return;
    }
    const hex = m[1].toLowerCase();
    const path = decodeManifestPath(m[2]);
    const segs = path.split('/');
    if (hex.length !== hexLength) {
      problems.push({ file: name, code: 'manifest.hex-length', params: { line: i + 1, alg, want: hexLength, has: hex.length }, reason: `line ${i + 1}: ${alg} checksum must have ${hexLength} hex digits, has ${hex.length}` });
      return;
    }
    if (path.startsWith('/') || /^[A-Za-z]:/u.test(path) || segs.includes('..') || segs.includes('.') || segs.includes('')) {
      problems.push({ file: name, code: 'manifest.path', params: { line: i + 1, path: JSON.stringify(path) }, reason: `line ${i + 1}: path ${JSON.stringify(path)} is absolute or has an empty, "." or ".." segment` });
      return;
    }
    if (isTag && path.startsWith('data/')) {
      problems.push({ file: name, code: 'tagmanifest.payload', params: { path }, reason: `lists payload file ${path}; a tag manifest must not (RFC 8493 §2.2.1)` });
      return;
    }
    if (!isTag && !path.startsWith('data/')) {
      problems.push({ file: name, code: 'manifest.outside-data', params: { path }, reason: `lists ${path}, outside data/ (RFC 8493 §2.1.3)` });
      return;
    }
    if (seen.has(nfc(path))) {
      problems.push({ file: path, code: 'manifest.duplicate', params: { manifest: name }, reason: `listed more than once in ${name}` });
      return;
    }
    seen.add(nfc(path));
    entries.push({ path, hex });
  });
  return { name, alg, entries };
}

/**
 * Streams a file once through every requested hash; returns lower-case hex keyed by algorithm.
 * Reads from the storage device, not from pages cached in memory (dropCachedPages before and
 * after): a bag just copied to a USB drive is otherwise checked from the memory copy, which
 * hides a bad write to the drive.
 */
async function digestFile(path: string, algs: readonly string[], signal?: AbortSignal): Promise<Record<string, string>> {
  const hashes: [string, Hash][] = algs.map((a) => [a, createHash(a)]);
  // Without waiting and without following a link: a file swapped for a named pipe after the
  // listing must be reported, not block the check.
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  try {
    if (!(await file.stat()).isFile()) throw new Error('not a regular file (replaced while the bag was being checked?)');
    dropCachedPages(file.fd);
    for await (const chunk of file.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false })) {
      signal?.throwIfAborted(); // a bag can hold hours of video: stop within one chunk
      for (const [, h] of hashes) h.update(chunk as Buffer);
    }
    dropCachedPages(file.fd);
  } finally {
    await file.close();
  }
  return Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]));
}

async function checkDigests(
  bagDir: string,
  files: Map<string, FileEntry>,
  manifests: Manifest[],
  tagManifests: Manifest[],
  problems: BagProblem[],
  signal?: AbortSignal,
): Promise<void> {
  const all = [...manifests, ...tagManifests];
  // Which algorithms each file needs, so it is read once for all of them.
  const needed = new Map<string, Set<string>>();
  for (const m of all) {
    for (const e of m.entries) {
      const f = files.get(nfc(e.path));
      if (!f) {
        problems.push({ file: e.path, code: e.path.startsWith('data/') ? 'payload.missing' : 'tagfile.missing', params: { manifest: m.name }, reason: `listed in ${m.name} but missing` });
        continue;
      }
      if (!f.regular) continue; // already reported by listFiles
      const set = needed.get(f.rel) ?? new Set<string>();
      set.add(m.alg);
      needed.set(f.rel, set);
    }
  }
  const computed = new Map<string, Record<string, string>>();
  for (const [rel, algs] of [...needed].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    try {
      computed.set(rel, await digestFile(abs(bagDir, rel), [...algs], signal));
    } catch (e) {
      if (signal?.aborted) throw e;
      problems.push({ file: rel, code: 'file.unreadable', params: { error: (e as Error).message }, reason: `cannot read: ${(e as Error).message}` });
    }
  }
  for (const m of all) {
    for (const e of m.entries) {
      const f = files.get(nfc(e.path));
      const actual = f ? computed.get(f.rel)?.[m.alg] : undefined;
      if (actual !== undefined && actual !== e.hex) {
        problems.push({ file: e.path, code: e.path.startsWith('data/') ? 'payload.altered' : 'tagfile.altered', params: { alg: m.alg, manifest: m.name, expected: e.hex, found: actual }, reason: `${m.alg} mismatch: ${m.name} has ${e.hex}, file has ${actual}` });
      }
    }
  }
}

function checkTagCoverage(files: Map<string, FileEntry>, manifests: Manifest[], tagManifests: Manifest[], problems: BagProblem[]): void {
  const evidence = [...files.values()].filter((f) => f.regular && f.rel.startsWith('evidence/')).sort(byRel);
  if (tagManifests.length === 0) {
    problems.push({ code: 'tagmanifest.none', params: {}, reason: 'no tag manifest tagmanifest-<alg>.txt: an evidence set\'s tag files under evidence/ must be protected by one' });
    for (const f of evidence) problems.push({ file: f.rel, code: 'tagfile.unprotected', params: {}, reason: 'no tag manifest, so this file\'s content is not protected by any checksum' });
    return;
  }
  for (const tm of tagManifests) {
    const listed = new Set(tm.entries.map((e) => nfc(e.path)));
    for (const m of manifests) {
      if (!listed.has(m.name)) problems.push({ file: m.name, code: 'tagmanifest.manifest-unlisted', params: { tagManifest: tm.name }, reason: `not listed in ${tm.name}; every tag manifest must list every payload manifest (RFC 8493 §2.2.1)` });
    }
    for (const f of evidence) {
      if (!listed.has(nfc(f.rel))) problems.push({ file: f.rel, code: 'tagfile.unlisted', params: { tagManifest: tm.name }, reason: `not listed in ${tm.name}, so its content is not protected` });
    }
  }
}

/** bag-info.txt elements, continuation lines joined with LF (RFC 8493 §2.2.2 keeps the line break, drops the indent). */
function parseBagInfo(text: string, problems: BagProblem[]): [string, string][] {
  const out: [string, string][] = [];
  splitLines(text).forEach((line, i) => {
    if (line === '') return;
    const last = out[out.length - 1];
    if (/^[ \t]/u.test(line)) {
      if (last) last[1] += '\n' + line.trim();
      else problems.push({ file: 'bag-info.txt', code: 'baginfo.continuation', params: { line: i + 1 }, reason: `line ${i + 1} continues nothing` });
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push({ file: 'bag-info.txt', code: 'baginfo.line', params: { line: i + 1, text: JSON.stringify(line) }, reason: `line ${i + 1} is not "Label: value": ${JSON.stringify(line)}` });
      return;
    }
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  });
  return out;
}

/** The elements of bag-info.txt; [] when there is none (it is optional, RFC 8493 §2.2.2). */
async function readBagInfo(bagDir: string, files: Map<string, FileEntry>, problems: BagProblem[]): Promise<[string, string][]> {
  const f = files.get('bag-info.txt');
  if (!f?.regular) return [];
  return parseBagInfo(await readText(bagDir, f.rel, problems), problems);
}

function checkOxum(elements: [string, string][], streams: number, octets: number, problems: BagProblem[]): void {
  const oxum = elements.filter(([l]) => l.toLowerCase() === 'payload-oxum');
  if (oxum.length > 1) problems.push({ file: 'bag-info.txt', code: 'oxum.repeated', params: {}, reason: 'Payload-Oxum appears more than once (RFC 8493 §2.2.2)' });
  const value = oxum[0]?.[1];
  if (value === undefined) return;
  const m = /^(\d+)\.(\d+)$/u.exec(value);
  if (!m) {
    problems.push({ file: 'bag-info.txt', code: 'oxum.malformed', params: { value: JSON.stringify(value) }, reason: `Payload-Oxum ${JSON.stringify(value)} is not "<octets>.<streams>"` });
  } else if (Number(m[1]) !== octets || Number(m[2]) !== streams) {
    problems.push({ file: 'bag-info.txt', code: 'oxum.mismatch', params: { declared: value, bytes: octets, files: streams }, reason: `Payload-Oxum is ${value} but data/ holds ${octets}.${streams} (bytes.files)` });
  }
}

async function readJson(bagDir: string, f: FileEntry, problems: BagProblem[]): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(await readText(bagDir, f.rel, problems)) as unknown };
  } catch (e) {
    problems.push({ file: f.rel, code: 'json.invalid', params: { error: (e as Error).message }, reason: `not valid JSON: ${(e as Error).message}` });
    return { ok: false };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why `v` is not a structurally valid custody event, or null if it is. */
function eventShapeProblem(v: unknown): string | null {
  if (!isRecord(v)) return 'event is not an object';
  if (!Number.isSafeInteger(v.seq)) return 'seq is not an integer';
  for (const k of ['at', 'actor', 'type', 'prevHash', 'hash'] as const) {
    if (typeof v[k] !== 'string') return `${k} is not a string`;
  }
  if (v.item !== null && typeof v.item !== 'string') return 'item is neither a string nor null';
  if (!isRecord(v.detail)) return 'detail is not an object';
  return null;
}

/** What the item checks use of the custody excerpt. */
interface Excerpt {
  /** Its structurally valid events. */
  events: CustodyEvent[];
  /** The seqs it declares withheld (withheldSeqs), as far as they are valid. */
  withheld: Set<number>;
  /** Its `fixityRuns` section as found (run-excerpt.ts), and chainHead.seq when valid. */
  fixityRuns?: unknown;
  headSeq?: number | null;
}

/**
 * Checks the custody excerpt; returns its structurally valid events and withheld seqs (for the
 * item checks), no events if there is no usable excerpt, or null if the file is absent.
 */
async function checkCustody(bagDir: string, files: Map<string, FileEntry>, problems: BagProblem[]): Promise<Excerpt | null> {
  const f = files.get(CUSTODY_FILE);
  if (!f?.regular) return null;
  const file = f.rel;
  const json = await readJson(bagDir, f, problems);
  const unusable: Excerpt = { events: [], withheld: new Set() };
  if (!json.ok) return unusable;
  const doc = json.value;
  if (!isRecord(doc) || !isRecord(doc.chainHead) || !Array.isArray(doc.events)) {
    problems.push({ file, code: 'custody.shape', params: {}, reason: 'must be { "chainHead": { "seq", "hash" }, "events": [...] }' });
    return unusable;
  }
  const head = doc.chainHead;
  const headOk = Number.isSafeInteger(head.seq) && typeof head.hash === 'string' && HEX64.test(head.hash);
  if (!headOk) problems.push({ file, code: 'custody.head-shape', params: {}, reason: 'chainHead must have an integer seq and a 64-digit lower-case hex hash' });

  const events: CustodyEvent[] = [];
  doc.events.forEach((v: unknown, i: number) => {
    const why = eventShapeProblem(v);
    if (why !== null) {
      const seq = isRecord(v) && Number.isSafeInteger(v.seq) ? (v.seq as number) : undefined;
      problems.push({ file, ...(seq === undefined ? {} : { seq }), code: 'event.malformed', params: { index: i, why }, reason: `events[${i}] malformed: ${why}` });
      return;
    }
    const extra = Object.keys(v as object).filter((k) => !EVENT_FIELDS.has(k));
    const ev = v as unknown as CustodyEvent;
    if (extra.length > 0) problems.push({ file, seq: ev.seq, code: 'event.unhashed-fields', params: { fields: extra.join(', ') }, reason: `fields ${extra.join(', ')} are not covered by the row hash` });
    events.push(ev);
  });

  // Consecutive seqs form runs the excerpt carries whole; each run must be an intact piece of chain.
  let run: CustodyEvent[] = [];
  const flush = () => {
    const first = run[0];
    if (first) for (const p of verifyChain(run, first.prevHash)) problems.push({ file, seq: p.seq, reason: p.reason, ...(p.code ? { code: p.code, params: p.params ?? {} } : {}) });
    run = [];
  };
  let prev: CustodyEvent | undefined;
  for (const ev of events) {
    if (prev && ev.seq <= prev.seq) problems.push({ file, seq: ev.seq, code: 'event.order', params: { seq: ev.seq, prev: prev.seq }, reason: `events not in ascending seq order: ${ev.seq} follows ${prev.seq}` });
    if (!prev || ev.seq !== prev.seq + 1) flush();
    run.push(ev);
    prev = ev;
  }
  flush();

  if (headOk) {
    const headSeq = head.seq as number;
    for (const ev of events) {
      if (ev.seq > headSeq) problems.push({ file, seq: ev.seq, code: 'event.beyond-head', params: { seq: ev.seq, head: headSeq }, reason: `event seq ${ev.seq} is beyond chainHead.seq ${headSeq}` });
      if (ev.seq === headSeq && ev.hash !== head.hash) {
        problems.push({ file, seq: ev.seq, code: 'event.head-hash', params: { hash: ev.hash, head: String(head.hash) }, reason: `event at chainHead.seq has hash ${ev.hash}, chainHead.hash is ${String(head.hash)}` });
      }
    }
  }
  return { events, withheld: checkWithheld(file, doc.withheldSeqs, headOk ? (head.seq as number) : null, events, problems), fixityRuns: doc.fixityRuns, headSeq: headOk ? (head.seq as number) : null };
}

/** Checks `withheldSeqs` of the excerpt (absent in ordinary sets) and returns its valid seqs. */
function checkWithheld(file: string, value: unknown, headSeq: number | null, events: CustodyEvent[], problems: BagProblem[]): Set<number> {
  const out = new Set<number>();
  if (value === undefined) return out;
  if (!Array.isArray(value) || !value.every((x) => Number.isSafeInteger(x) && (x as number) >= 1)) {
    problems.push({ file, code: 'withheld.shape', params: {}, reason: 'withheldSeqs must be an array of positive integer seqs' });
    return out;
  }
  const present = new Set(events.map((e) => e.seq));
  let last = 0;
  for (const seq of value as number[]) {
    if (seq <= last) problems.push({ file, seq, code: 'withheld.order', params: { seq, prev: last }, reason: `withheldSeqs not in ascending order without repeats: ${seq} follows ${last}` });
    last = Math.max(last, seq);
    if (headSeq !== null && seq > headSeq) problems.push({ file, seq, code: 'withheld.beyond-head', params: { seq, head: headSeq }, reason: `withheld seq ${seq} is beyond chainHead.seq ${headSeq}` });
    else if (present.has(seq)) problems.push({ file, seq, code: 'withheld.present', params: { seq }, reason: `seq ${seq} is listed in withheldSeqs, yet its event is in the excerpt` });
    else out.add(seq);
  }
  return out;
}

/**
 * Why item `sha` of a set for public release may not go without its ingestion event, or null
 * when it may: its "message digest calculation" event must be in the excerpt recording `sha`, and
 * the seq just before it (where ingest records the ingestion) must be declared withheld.
 */
function withheldIngestionProblem(sha: string, excerpt: Excerpt): { text: string; code: string; params: SaidParams } | null {
  const digest = excerpt.events.find((e) => e.type === 'message digest calculation' && e.item === sha &&
    isRecord(e.detail.digests) && typeof e.detail.digests.sha256 === 'string' && e.detail.digests.sha256.toLowerCase() === sha);
  if (!digest) return { code: 'item.no-ingestion-no-digest', params: { sha }, text: 'but the excerpt holds no "message digest calculation" event recording the item\'s sha256 either' };
  if (!excerpt.withheld.has(digest.seq - 1)) {
    return { code: 'item.no-ingestion-not-withheld', params: { sha, seq: digest.seq - 1, digestSeq: digest.seq },
      text: `but seq ${digest.seq - 1}, just before the item's message digest calculation (seq ${digest.seq}), is not listed in withheldSeqs` };
  }
  return null;
}

async function checkItems(
  bagDir: string,
  files: Map<string, FileEntry>,
  manifests: Manifest[],
  payload: FileEntry[],
  excerpt: Excerpt | null,
  redacted: boolean,
  problems: BagProblem[],
): Promise<unknown[] | null> {
  const custody = excerpt?.events ?? null;
  const f = files.get(ITEMS_FILE);
  if (!f?.regular) return null; // reported as missing
  const file = f.rel;
  const json = await readJson(bagDir, f, problems);
  if (!json.ok) return null;
  if (!Array.isArray(json.value)) {
    problems.push({ file, code: 'items.shape', params: {}, reason: 'must be an array of items' });
    return null;
  }
  const sha256Manifest = manifests.find((m) => m.alg === 'sha256');
  if (!sha256Manifest) problems.push({ file, code: 'items.no-sha256-manifest', params: {}, reason: 'items cannot be matched: there is no manifest-sha256.txt' });
  const manifest = new Map((sha256Manifest?.entries ?? []).map((e) => [nfc(e.path), e]));

  const ingested = new Set((custody ?? []).filter((e) => e.type === 'ingestion' && e.item !== null).map((e) => e.item));
  // A full set's excerpt holds every event of its items, so the last tagging event there is the item's last.
  const tagging = excerpt !== null && !redacted ? lastTaggingEvents(excerpt.events) : null;
  const people = tagging ? await readPeople(bagDir, files, problems) : null;
  const pseudonyms = { byId: new Map<number, string>(), byPseudonym: new Map<string, number>() };

  // What the excerpt's metadata extraction events recorded of each item's normalized record.
  const recordHashes = new Map<string, string>();
  const extracted = new Set<string>();
  for (const e of custody ?? []) {
    if (e.type === 'metadata extraction' && e.item) extracted.add(e.item);
    if (e.type === 'metadata extraction' && e.item && typeof e.detail.recordSha256 === 'string') recordHashes.set(e.item, e.detail.recordSha256);
  }
  const listed = new Set<string>();

  const itemPaths = new Set<string>();
  json.value.forEach((item: unknown, i: number) => {
    if (!isRecord(item) || typeof item.sha256 !== 'string' || typeof item.path !== 'string') {
      problems.push({ file, code: 'item.shape', params: { index: i }, reason: `item ${i} lacks a string sha256 and path` });
      return;
    }
    const sha = item.sha256.toLowerCase();
    const path = item.path;
    if (itemPaths.has(nfc(path))) problems.push({ file: path, code: 'item.duplicate', params: { file }, reason: `listed more than once in ${file}` });
    itemPaths.add(nfc(path));
    const entry = manifest.get(nfc(path));
    if (sha256Manifest && !entry) {
      problems.push({ file: path, code: 'item.not-in-manifest', params: { file }, reason: `in ${file} but not in manifest-sha256.txt` });
    } else if (entry && entry.hex !== sha) {
      problems.push({ file: path, code: 'item.sha-differs', params: { file, sha, manifestSha: entry.hex }, reason: `${file} gives sha256 ${sha}, manifest-sha256.txt has ${entry.hex}` });
    }
    // A redacted copy (export --redacted-media) stands for its original: the custody events are the original's.
    const origin = redactedOrigin(item, sha, custody);
    if (origin?.problem) problems.push({ file: path, ...origin.problem });
    const own = origin?.sha256 ?? sha;
    listed.add(own);
    if (redacted) for (const p of publicReleaseLeaks(item)) problems.push({ file: path, ...p });
    if (excerpt !== null && !ingested.has(own)) {
      // A public set withholds every ingestion event (each records a source path), declaring so.
      const why = redacted ? withheldIngestionProblem(own, excerpt) : undefined;
      if (why !== null) {
        problems.push({ file: path, code: why?.code ?? 'item.no-ingestion', params: why?.params ?? { sha: own }, reason: `no "ingestion" event for item ${own} in ${CUSTODY_FILE}` +
          (why ? `; bag-info.txt declares Evidence-Redaction, ${why.text}` : '') });
      }
    }
    if (excerpt !== null) {
      for (const p of ingestEventProblems(own, excerpt, extracted.has(own), recordHashes.has(own), redacted)) problems.push({ file: path, ...p });
    }
    // Only where the excerpt holds every event of the item after its last tagging event: none withheld later.
    const lastTagging = tagging?.get(own) ?? null;
    if (tagging && excerpt && [...excerpt.withheld].every((seq) => lastTagging !== null && seq < lastTagging.seq)) {
      for (const why of tagFieldProblems(item, lastTagging, people, pseudonyms)) {
        problems.push({ file: path, code: why.code, params: { sha, ...why.params }, reason: `item ${sha}: ${why.reason}` });
      }
    }
    // The metadata extraction event pins the original's record, which a redacted copy's entry must not repeat (GPS, serial).
    // Nothing in the chain pins a copy's own facts (a public release even withholds the original's
    // extraction event), so of a copy verify-bag checks only that it claims none of what it withholds.
    if (origin) for (const reason of redactedCopyClaims(item, sha)) problems.push({ file: path, reason });
    const logged = origin ? undefined : recordHashes.get(sha);
    if (logged) {
      // Metadata is what a court reads first (time, place, camera); the chain pins it at ingest.
      // Records written before a key was added lack it, and their logged hash was taken without it;
      // taking a later key out of a newer record still changes the hash, so nothing escapes this.
      const keys = NORMALIZED_RECORD_KEYS.filter((k) => k in item || !(LATER_NORMALIZED_RECORD_KEYS as readonly string[]).includes(k));
      const rec = Object.fromEntries(keys.map((k) => [k, item[k] ?? null]));
      if (contentHash(rec) !== logged) {
        problems.push({ file: path, code: 'item.metadata-differs', params: { sha, file }, reason: `the metadata of item ${sha} in ${file} (capture time, camera, GPS, size…) differs from what its metadata extraction event recorded at ingest` });
      }
    }
  });
  // Events about items this bag does not carry mean the excerpt belongs to another set, or an item was taken out.
  const strangers = new Set((custody ?? []).filter((e) => e.item !== null && !listed.has(e.item)).map((e) => e.item!));
  for (const sha of strangers) {
    problems.push({ file: CUSTODY_FILE, code: 'custody.stranger', params: { sha }, reason: `holds custody events of item ${sha}, which is not in this bag (an excerpt from another set, or an item removed)` });
  }
  const undescribed = new Map<string, string>();
  for (const p of [...(sha256Manifest?.entries ?? []).map((e) => e.path), ...payload.map((x) => x.rel)]) {
    if (!itemPaths.has(nfc(p)) && !undescribed.has(nfc(p))) undescribed.set(nfc(p), p);
  }
  for (const p of undescribed.values()) problems.push({ file: p, code: 'payload.undescribed', params: { file }, reason: `payload file is not described in ${file}` });
  const onDisk = new Set(payload.map((x) => nfc(x.rel)));
  for (const p of itemPaths) {
    if (!onDisk.has(p)) problems.push({ file: p, code: 'payload.no-file', params: { file }, reason: `described in ${file}, but there is no such file under data/` });
  }
  return json.value as unknown[];
}

/**
 * The original a redacted copy in items.json derives from (its `redactedFrom.sha256`), or null for
 * an item that is its own original. The link holds only when the excerpt has the `redaction`
 * event on that original recording this copy's SHA-256 (detail.derivative.sha256); otherwise
 * `problem` says so.
 */
function redactedOrigin(item: Record<string, unknown>, sha: string, custody: readonly { type: string; item: string | null; detail: Record<string, unknown> }[] | null): { sha256: string; problem?: Omit<BagProblem, 'file'> } | null {
  const from = item.redactedFrom;
  if (from === undefined) return null;
  if (!isRecord(from) || typeof from.sha256 !== 'string' || !/^[0-9a-f]{64}$/iu.test(from.sha256)) {
    return { sha256: sha, problem: { code: 'item.redacted-from-bad', params: { sha }, reason: `${ITEMS_FILE}: redactedFrom of item ${sha} does not give its original's sha256` } };
  }
  const original = from.sha256.toLowerCase();
  const recorded = (custody ?? []).some((e) => e.type === 'redaction' && e.item === original && isRecord(e.detail.derivative) &&
    typeof e.detail.derivative.sha256 === 'string' && e.detail.derivative.sha256.toLowerCase() === sha);
  return recorded ? { sha256: original } : {
    sha256: original,
    problem: { code: 'item.redaction-unrecorded', params: { sha, original }, reason: `${ITEMS_FILE} says item ${sha} is a redacted copy of ${original}, but ${CUSTODY_FILE} holds no "redaction" event of that original recording this copy` },
  };
}

const WITHHELD_BY_COPIES = ['make', 'model', 'serial', 'gps'] as const;

/**
 * What the items.json entry of a redacted copy (`redactedFrom` given) claims that a redacted copy
 * withholds: a camera make or model, a serial number or a GPS position, one sentence each. The
 * copy's file carries none (redact/release.ts redactedEntry), and the chain pins no facts of the
 * copy but its SHA-256 (the redaction event), so such a claim can only be an edit.
 */
function redactedCopyClaims(item: Record<string, unknown>, sha: string): string[] {
  return WITHHELD_BY_COPIES.filter((k) => item[k] !== undefined && item[k] !== null)
    .map((k) => `${ITEMS_FILE} gives the redacted copy ${sha} a ${k === 'gps' ? 'GPS position' : k}, which a redacted copy withholds; nothing in the custody excerpt pins it`);
}

/**
 * What an item of a set that declares Evidence-Redaction still gives of what a public release
 * leaves out (catalog/export-extras.ts): its source paths (a folder named after an interviewee),
 * its description and its notes (free text that can name anyone). One sentence each; none for a
 * clean item. The promise is bag-info's; a bag that breaks it must not verify as public.
 */
function publicReleaseLeaks(item: Record<string, unknown>): Omit<BagProblem, 'file'>[] {
  const said = 'bag-info.txt declares Evidence-Redaction, but evidence/items.json gives this item\'s';
  const out: Omit<BagProblem, 'file'>[] = [];
  const sources = Array.isArray(item.sources) ? item.sources : [];
  // pathBytes is a source path too, as base64 (the exact bytes of a name that is not plain UTF-8).
  if (sources.some((x) => isRecord(x) && ((typeof x.path === 'string' && x.path !== '') || (typeof x.pathBytes === 'string' && x.pathBytes !== '')))) out.push({ code: 'public.leak', params: { field: 'sources' }, reason: `${said} source paths, which a public release leaves out` });
  for (const k of ['description', 'notes']) {
    if (item[k] !== undefined && item[k] !== null && item[k] !== '') out.push({ code: 'public.leak', params: { field: k }, reason: `${said} ${k}, which a public release leaves out` });
  }
  return out;
}

/**
 * evidence/items.csv against `items` (the items.json array checkItems read; null when it was
 * missing or unusable, already reported, and then there is nothing to compare with).
 */
async function checkItemsCsv(bagDir: string, files: Map<string, FileEntry>, items: unknown[] | null, readable: boolean, problems: BagProblem[], wallClock: boolean): Promise<void> {
  const f = files.get(ITEMS_CSV_FILE);
  if (!f?.regular || items === null) return;
  const names = readable ? await readCsvNames(bagDir, files) : null;
  for (const p of itemsCsvProblems(await readText(bagDir, f.rel, problems), items, names, wallClock)) problems.push({ file: f.rel, ...p });
}

/**
 * The records items.csv names, from evidence/people.json, places.json, incidents.json and
 * cases.json; a file absent, unreadable or not an array as [] (their own problems are reported
 * where they are checked; here a missing name only makes the CSV's cells differ).
 */
async function readCsvNames(bagDir: string, files: Map<string, FileEntry>): Promise<ItemsCsvNames> {
  const read = async (rel: string): Promise<unknown[]> => {
    const f = files.get(rel);
    if (!f?.regular) return [];
    const json = await readJson(bagDir, f, []);
    return json.ok && Array.isArray(json.value) ? json.value : [];
  };
  return { people: await read(PEOPLE_FILE), places: await read('evidence/places.json'), incidents: await read('evidence/incidents.json'), cases: await read('evidence/cases.json') };
}

/**
 * What is missing of the events ingest writes for every item (ingest.ts recordNewItem:
 * ingestion, message digest calculation, replication, metadata extraction, at consecutive seqs):
 * the "message digest calculation" recording its sha256, and the "metadata extraction" with the
 * hash of its normalized record (which pins items.json's metadata). As for the ingestion event
 * (withheldIngestionProblem), only a bag declaring Evidence-Redaction may go without the
 * metadata extraction, and then only when its seq (two after the digest event's) is withheld.
 */
function ingestEventProblems(sha: string, excerpt: Excerpt, extracted: boolean, recordHash: boolean, redacted: boolean): Omit<BagProblem, 'file'>[] {
  const out: Omit<BagProblem, 'file'>[] = [];
  const digest = excerpt.events.find((e) => e.type === 'message digest calculation' && e.item === sha &&
    isRecord(e.detail.digests) && typeof e.detail.digests.sha256 === 'string' && e.detail.digests.sha256.toLowerCase() === sha);
  if (!digest) out.push({ code: 'item.no-digest-event', params: { sha }, reason: `no "message digest calculation" event recording item ${sha}'s sha256 in ${CUSTODY_FILE}` });
  if (!extracted) {
    const withheld = redacted && digest !== undefined && excerpt.withheld.has(digest.seq + 2);
    if (!withheld) {
      out.push({ code: !redacted ? 'item.no-metadata-event' : digest ? 'item.no-metadata-event-not-withheld' : 'item.no-metadata-event-no-digest', params: { sha, ...(redacted && digest ? { seq: digest.seq + 2 } : {}) }, reason: `no "metadata extraction" event for item ${sha} in ${CUSTODY_FILE}, so its metadata in ${ITEMS_FILE} is not pinned` +
        (redacted ? `; bag-info.txt declares Evidence-Redaction, but ${digest ? `seq ${digest.seq + 2}, where ingest records it, is not listed in withheldSeqs` : 'without the item\'s message digest calculation its seq cannot be told'}` : '') });
    }
  } else if (!recordHash) {
    out.push({ code: 'item.no-record-hash', params: { sha }, reason: `the "metadata extraction" event of item ${sha} records no recordSha256, so its metadata in ${ITEMS_FILE} is not pinned` });
  }
  return out;
}

/** evidence/people.json of a full set, for how items.json may refer to people; null when absent or unusable (reported). */
async function readPeople(bagDir: string, files: Map<string, FileEntry>, problems: BagProblem[]): Promise<PeopleIndex | null> {
  const f = files.get(PEOPLE_FILE);
  if (!f?.regular) return null;
  const json = await readJson(bagDir, f, problems);
  if (!json.ok) return null;
  const idx = peopleIndex(json.value);
  if (!idx) problems.push({ file: f.rel, code: 'people.shape', params: {}, reason: 'must be an array of person records' });
  return idx;
}
