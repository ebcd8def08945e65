// Reading media hash lists: ASC MHL v2.0 histories (an `ascmhl/` folder: generations
// NNNN_<folder>_<date>_<time>Z.mhl and ascmhl_chain.xml, ASCMHL.xsd and ASCMHLDirectory.xsd) and
// legacy MHL v1.1 files (mediahashlist.org, MediaHashList_v1_1.xsd, 2016-05-20).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hashData, isMhlHashFormat, type MhlHashFormat } from './hash.ts';
import { child, childrenNamed, childText, parseXml, XmlError, type XmlElement } from './xml.ts';

/** The folder name of an ASC MHL history inside the folder it describes. */
export const ASC_MHL_DIR = 'ascmhl';
/** The chain file of an ASC MHL history. */
export const CHAIN_FILE = 'ascmhl_chain.xml';

/** Who made a generation (ASC MHL `creatorinfo`; MHL v1.1 `creatorinfo` mapped onto the same fields). */
export interface MhlCreator {
  /** ISO 8601 as written (ASC MHL creationdate; MHL v1.1 finishdate, else startdate). */
  creationDate: string | null;
  hostName: string | null;
  tool: string | null;
  toolVersion: string | null;
  /** Authors with their optional e-mail, phone and role (MHL v1.1: name, else username). */
  authors: { name: string; email?: string; phone?: string; role?: string }[];
  location: string | null;
  comment: string | null;
}

/** One hash value of an entry, with what the generation says it did (`original`, `verified`, `failed`; null in MHL v1.1). */
export interface MhlHashValue {
  format: MhlHashFormat;
  value: string;
  action: string | null;
  hashDate: string | null;
}

/** One `<hash>` (a file) of a generation. `path` is as the list writes it: relative to the history's folder with "/" when valid (entry-path.ts says which file it names, or why it names none). */
export interface MhlFileEntry {
  path: string;
  size: number | null;
  lastModificationDate: string | null;
  hashes: MhlHashValue[];
  previousPath: string | null;
}

/** One `<directoryhash>` (or the root hash, path ""): content and structure hash per format. */
export interface MhlDirectoryEntry {
  path: string;
  content: Partial<Record<MhlHashFormat, string>>;
  structure: Partial<Record<MhlHashFormat, string>>;
}

/** One generation (one .mhl file). */
export interface MhlGeneration {
  /** 'asc-mhl-2.0' or 'mhl-1.1'. */
  format: 'asc-mhl-2.0' | 'mhl-1.1';
  /** Sequence number from the file name (ASC MHL NNNN_…); 1 for MHL v1.1. */
  sequence: number;
  /** The .mhl file's name. */
  fileName: string;
  creator: MhlCreator;
  /** ASC MHL process: in-place, transfer or flatten; null in MHL v1.1. */
  process: string | null;
  root: MhlDirectoryEntry | null;
  ignore: string[];
  files: MhlFileEntry[];
  directories: MhlDirectoryEntry[];
  /** Child histories this generation references (path of their .mhl relative to this history's folder, and its C4). */
  references: { path: string; c4: string }[];
}

/** One `<hashlist>` of ascmhl_chain.xml. */
export interface ChainEntry {
  sequence: number;
  path: string;
  c4: string;
}

/** The chain's verdict on one generation file. */
export interface ChainCheck {
  sequence: number;
  path: string;
  /**
   * 'ok' (its C4 matches), 'mismatch' (its C4 differs: changed after it was chained), 'missing'
   * (listed, file absent), 'unlisted' (a generation file the chain does not name) or 'no-chain'
   * (the history has no readable ascmhl_chain.xml to name it).
   */
  status: 'ok' | 'mismatch' | 'missing' | 'unlisted' | 'no-chain';
  expected?: string;
  found?: string;
}

/** An ASC MHL history or a legacy MHL v1.1 file, read. */
export interface MhlHistory {
  kind: 'asc-mhl' | 'mhl-1.1';
  /** The folder the history describes (absolute): the parent of ascmhl/, or the folder holding the .mhl. */
  root: string;
  /** Generations by sequence number, ascending (one for MHL v1.1). */
  generations: MhlGeneration[];
  /** ASC MHL: the chain's verdict per generation; empty for MHL v1.1. */
  chain: ChainCheck[];
  /** Problems found while reading (an unreadable generation, a chain that does not parse), in words. */
  problems: string[];
  /** The files among those problems that were refused (not well-formed, not a hash list, too large): none when absent. */
  rejected?: RejectedHashList[];
  /** ASC MHL: generation files sharing one sequence number (each number is given once in a history): none when absent. */
  duplicates?: { sequence: number; files: string[] }[];
}

/** Raised for a media hash list that cannot be read; names the file and the reason. */
export class MhlReadError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'MhlReadError';
  }
}

/** A hash-list file that was refused: its absolute path and why (MhlReadError's). */
export interface RejectedHashList {
  file: string;
  reason: string;
}

/**
 * The largest hash-list file read (64 MiB): a card of 100,000 files lists them in about 35 MiB.
 * A larger one is refused unread, so a hostile list cannot exhaust memory or flood the log.
 */
export const MAX_HASH_LIST_BYTES = 64 * 1024 * 1024;

/** The bytes of hash-list file `file`. Throws MhlReadError when it is larger than MAX_HASH_LIST_BYTES (checked before reading) or unreadable. */
export function readHashListFile(file: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new MhlReadError(file, `cannot be read: ${(e as Error).message}`);
  }
  if (size > MAX_HASH_LIST_BYTES) throw new MhlReadError(file, `${size} bytes, more than the ${MAX_HASH_LIST_BYTES / 1024 / 1024} MiB a hash list may have: not read`);
  try {
    return readFileSync(file);
  } catch (e) {
    throw new MhlReadError(file, `cannot be read: ${(e as Error).message}`);
  }
}

function parseFile(file: string, text?: string): XmlElement {
  try {
    return parseXml(text ?? readHashListFile(file).toString('utf8'));
  } catch (e) {
    if (e instanceof XmlError) throw new MhlReadError(file, `not well-formed XML: ${e.message}`);
    throw e;
  }
}

function hashValues(el: XmlElement): MhlHashValue[] {
  return el.children.filter((c) => isMhlHashFormat(c.name) && c.name !== 'xxh32').map((c) => ({
    format: c.name as MhlHashFormat, value: c.text.trim(), action: c.attrs.action ?? null, hashDate: c.attrs.hashdate ?? null,
  }));
}

function formatMap(el: XmlElement | undefined): Partial<Record<MhlHashFormat, string>> {
  return Object.fromEntries(hashValues(el ?? { name: '', attrs: {}, children: [], text: '' }).map((h) => [h.format, h.value]));
}

function directoryEntry(el: XmlElement, path: string): MhlDirectoryEntry {
  return { path, content: formatMap(child(el, 'content')), structure: formatMap(child(el, 'structure')) };
}

/** The sequence number of a generation file name "NNNN_….mhl", or null. */
export function generationSequence(fileName: string): number | null {
  const m = /^(\d{4,})_.*\.mhl$/u.exec(fileName);
  return m ? Number(m[1]) : null;
}

/**
 * Parses one ASC MHL v2.0 generation (`<hashlist version="2.0">`, ASCMHL.xsd). `file` names it in
 * errors; `text` is its content (read from `file` when absent). Throws MhlReadError for XML that
 * does not parse or a root that is not an ASC MHL v2.0 hashlist.
 */
export function parseAscMhlGeneration(file: string, text?: string): MhlGeneration {
  const root = parseFile(file, text);
  if (root.name !== 'hashlist' || root.attrs.version !== '2.0') throw new MhlReadError(file, `not an ASC MHL v2.0 manifest (root <${root.name}> version ${root.attrs.version ?? 'none'})`);
  const ci = child(root, 'creatorinfo');
  const tool = child(ci, 'tool');
  const pi = child(root, 'processinfo');
  const roothash = child(pi, 'roothash');
  const hashes = child(root, 'hashes');
  const files: MhlFileEntry[] = [];
  const directories: MhlDirectoryEntry[] = [];
  for (const el of hashes?.children ?? []) {
    // A <hash> without <path> is kept with an empty path: an invalid entry the check reports (entry-path.ts).
    const p = child(el, 'path');
    if (!p && el.name !== 'hash') continue;
    const path = p ? p.text.trim() : '';
    if (el.name === 'hash') {
      files.push({
        path, size: p?.attrs.size !== undefined ? Number(p.attrs.size) : null, lastModificationDate: p?.attrs.lastmodificationdate ?? null,
        hashes: hashValues(el), previousPath: childText(el, 'previousPath'),
      });
    } else if (el.name === 'directoryhash') {
      directories.push(directoryEntry(el, path));
    }
  }
  const name = basename(file);
  return {
    format: 'asc-mhl-2.0',
    sequence: generationSequence(name) ?? 0,
    fileName: name,
    creator: {
      creationDate: childText(ci, 'creationdate'), hostName: childText(ci, 'hostname'),
      tool: tool ? tool.text.trim() : null, toolVersion: tool?.attrs.version ?? null,
      authors: childrenNamed(ci, 'author').map((a) => ({
        name: a.text.trim(), ...(a.attrs.email ? { email: a.attrs.email } : {}), ...(a.attrs.phone ? { phone: a.attrs.phone } : {}), ...(a.attrs.role ? { role: a.attrs.role } : {}),
      })),
      location: childText(ci, 'location'), comment: childText(ci, 'comment'),
    },
    process: childText(pi, 'process'),
    root: roothash ? directoryEntry(roothash, '') : null,
    ignore: childrenNamed(child(pi, 'ignore'), 'pattern').map((p) => p.text.trim()),
    files, directories,
    references: childrenNamed(child(root, 'references'), 'hashlistreference').map((r) => ({ path: childText(r, 'path') ?? '', c4: childText(r, 'c4') ?? '' })),
  };
}

/** Parses ascmhl_chain.xml (ASCMHLDirectory.xsd). Throws MhlReadError when it does not parse or is not a chain. */
export function parseChain(file: string, text?: string): ChainEntry[] {
  const root = parseFile(file, text);
  if (root.name !== 'ascmhldirectory') throw new MhlReadError(file, `not an ASC MHL chain (root <${root.name}>)`);
  return childrenNamed(root, 'hashlist').map((h) => ({ sequence: Number(h.attrs.sequencenr), path: childText(h, 'path') ?? '', c4: childText(h, 'c4') ?? '' }));
}

/**
 * Reads the ASC MHL history in `folder`/ascmhl/: every generation file, and the chain, whose C4
 * of each generation file is checked against the file's bytes (a generation changed or replaced
 * after it was chained shows as `mismatch`). A generation that does not parse is left out and
 * named in `problems`; so is a chain that does not. Throws MhlReadError only when there is no
 * ascmhl/ folder to read.
 */
export async function readAscMhlHistory(folder: string): Promise<MhlHistory> {
  const dir = join(folder, ASC_MHL_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new MhlReadError(dir, `cannot read the history folder: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const rejected: RejectedHashList[] = [];
  const refuse = (e: unknown) => {
    problems.push((e as Error).message);
    if (e instanceof MhlReadError) rejected.push({ file: e.file, reason: e.reason });
  };
  const generations: MhlGeneration[] = [];
  const bytesOf = new Map<string, Buffer>();
  for (const n of names.filter((x) => generationSequence(x) !== null).sort()) {
    try {
      const buf = readHashListFile(join(dir, n));
      bytesOf.set(n, buf);
      generations.push(parseAscMhlGeneration(join(dir, n), buf.toString('utf8')));
    } catch (e) {
      refuse(e);
    }
  }
  generations.sort((a, b) => a.sequence - b.sequence || (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  const chain: ChainCheck[] = [];
  let entries: ChainEntry[] = [];
  let chainRead = false;
  if (names.includes(CHAIN_FILE)) {
    try {
      entries = parseChain(join(dir, CHAIN_FILE));
      chainRead = true;
    } catch (e) {
      refuse(e);
    }
  } else {
    problems.push(`${join(dir, CHAIN_FILE)}: missing: the generations' own hashes cannot be checked`);
  }
  for (const e of entries) {
    let buf: Buffer | null = bytesOf.get(e.path) ?? null;
    if (!buf && names.includes(e.path) && generationSequence(e.path) === null) {
      // A chained file not read as a generation (oddly named): hashed, within the same limit.
      try {
        buf = readHashListFile(join(dir, e.path));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (!buf && names.includes(e.path) && generationSequence(e.path) !== null) {
      // A generation refused unread (too large) is named in problems already; its C4 is not checked.
      continue;
    }
    if (!buf) {
      chain.push({ sequence: e.sequence, path: e.path, status: 'missing', expected: e.c4 });
      continue;
    }
    const found = await hashData('c4', buf);
    chain.push({ sequence: e.sequence, path: e.path, status: found === e.c4 ? 'ok' : 'mismatch', expected: e.c4, found });
  }
  for (const g of generations) {
    if (!entries.some((e) => e.path === g.fileName)) chain.push({ sequence: g.sequence, path: g.fileName, status: chainRead ? 'unlisted' : 'no-chain' });
  }
  chain.sort((a, b) => a.sequence - b.sequence || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const bySequence = new Map<number, string[]>();
  for (const g of generations) bySequence.set(g.sequence, [...(bySequence.get(g.sequence) ?? []), g.fileName]);
  const duplicates = [...bySequence].filter(([, files]) => files.length > 1).map(([sequence, files]) => ({ sequence, files: files.sort() }));
  return { kind: 'asc-mhl', root: folder, generations, chain, problems, ...(rejected.length ? { rejected } : {}), ...(duplicates.length ? { duplicates } : {}) };
}

const LEGACY_FORMATS: Record<string, MhlHashFormat> = { md5: 'md5', sha1: 'sha1', xxhash: 'xxh32', xxhash64: 'xxh64', xxhash64be: 'xxh64' };

/**
 * Parses a legacy MHL v1.1 file (`<hashlist version="1.1">`, mediahashlist.org's MediaHashList_v1_1.xsd):
 * `creatorinfo` (name, username, hostname, tool, startdate, finishdate) and one `<hash>` per file
 * (file, size, lastmodificationdate, one of md5 / sha1 / xxhash / xxhash64 / xxhash64be / null, hashdate).
 * Hash values are normalized to what this module computes: `xxhash` (XXH32, written in decimal)
 * becomes 8 hex digits; `xxhash64be` is XXH64 as hex; `xxhash64` is XXH64 with its bytes in
 * little-endian order, turned to the big-endian hex XXH64 gives; `null` (size only) gives no hash.
 * Throws MhlReadError for a file that does not parse or is not an MHL v1.1 hashlist.
 */
export function parseLegacyMhl(file: string, text?: string): MhlGeneration {
  const root = parseFile(file, text);
  if (root.name !== 'hashlist' || !/^1(\.\d)?$/u.test(root.attrs.version ?? '')) throw new MhlReadError(file, `not an MHL v1.x hash list (root <${root.name}> version ${root.attrs.version ?? 'none'})`);
  const ci = child(root, 'creatorinfo');
  const name = childText(ci, 'name') ?? childText(ci, 'username');
  const files: MhlFileEntry[] = childrenNamed(root, 'hash').map((h) => {
    const hashes: MhlHashValue[] = [];
    for (const c of h.children) {
      const f = LEGACY_FORMATS[c.name];
      if (!f) continue;
      let value = c.text.trim().toLowerCase();
      if (c.name === 'xxhash') value = /^\d+$/u.test(value) ? Number(value).toString(16).padStart(8, '0') : value;
      if (c.name === 'xxhash64') value = Buffer.from(value, 'hex').reverse().toString('hex');
      hashes.push({ format: f, value, action: null, hashDate: childText(h, 'hashdate') });
    }
    const size = childText(h, 'size');
    // The path as written: a Windows list's "\" separators are read where the path is matched (entry-path.ts).
    return { path: childText(h, 'file') ?? '', size: size === null ? null : Number(size), lastModificationDate: childText(h, 'lastmodificationdate'), hashes, previousPath: null };
  });
  return {
    format: 'mhl-1.1', sequence: 1, fileName: basename(file),
    creator: {
      creationDate: childText(ci, 'finishdate') ?? childText(ci, 'startdate'), hostName: childText(ci, 'hostname'),
      tool: childText(ci, 'tool'), toolVersion: null, authors: name ? [{ name }] : [], location: null, comment: null,
    },
    process: null, root: null, ignore: [], files, directories: [], references: [],
  };
}

/** Reads a legacy MHL v1.1 file as a one-generation history of the folder that holds it. Throws MhlReadError. */
export function readLegacyMhl(file: string): MhlHistory {
  const g = parseLegacyMhl(file);
  return { kind: 'mhl-1.1', root: join(file, '..'), generations: [g], chain: [], problems: [] };
}

/** True when `folder` holds an ascmhl/ folder with a chain or a generation file. */
export function hasAscMhlHistory(folder: string): boolean {
  try {
    return statSync(join(folder, ASC_MHL_DIR)).isDirectory() && readdirSync(join(folder, ASC_MHL_DIR)).some((n) => n === CHAIN_FILE || generationSequence(n) !== null);
  } catch {
    return false;
  }
}

/**
 * Whether the history vouches for generation `g`: ASC MHL trusts a generation whose C4 ID the
 * chain (ascmhl_chain.xml) records and matches, and, in a history with no readable chain, every
 * generation (nothing can be checked, and the report says so); a generation the chain does not
 * list, or whose C4 ID differs (changed after it was chained), is not trusted. MHL v1.1 has no chain.
 */
export function generationTrusted(history: MhlHistory, g: MhlGeneration): boolean {
  if (history.kind !== 'asc-mhl') return true;
  const c = history.chain.find((x) => x.path === g.fileName);
  return !c || c.status === 'ok' || c.status === 'no-chain';
}

/** A format whose value a file's history changed without recording a failed verification: the file changed between offloads. */
export interface HistoryChange {
  format: MhlHashFormat;
  earlier: { generation: number; value: string };
  later: { generation: number; value: string };
}

/** What a generation the history does not vouch for (generationTrusted) records for one file; never used to verify it. */
export interface UntrustedRecord {
  sequence: number;
  fileName: string;
  /** The chain's word on the generation ('unlisted', 'mismatch'). */
  status: ChainCheck['status'];
  hashes: Partial<Record<MhlHashFormat, string>>;
}

/**
 * What a history expects of each file it lists, by path relative to its folder: the latest
 * trusted generation (generationTrusted) that lists the file, and per format the latest value
 * recorded with an action other than `failed` (a failed verification records what was found then,
 * not what the file should hold; it is kept in `failedIn`, the generation that recorded it, when
 * it is the latest word). Files a later generation renamed (previousPath) are listed under their
 * new path only. A file that only untrusted generations list is absent.
 */
export interface ExpectedFile {
  path: string;
  size: number | null;
  generation: MhlGeneration;
  hashes: Partial<Record<MhlHashFormat, string>>;
  /** Set when the latest generation listing the file recorded a failed verification of it. */
  failedIn?: number;
  /** Trusted generations that recorded another value for a format without a failed verification (ASC MHL writes `failed` then): the history contradicts itself. */
  changes?: HistoryChange[];
  /** What generations the history does not vouch for record of the file (not used to verify it). */
  untrusted?: UntrustedRecord[];
}

/** The files `history` lists and what each should hold (see ExpectedFile), by relative path. */
export function expectedFiles(history: MhlHistory): Map<string, ExpectedFile> {
  const out = new Map<string, ExpectedFile>();
  const untrusted = new Map<string, UntrustedRecord[]>();
  const since = new Map<string, Partial<Record<MhlHashFormat, number>>>();
  for (const g of history.generations) {
    if (!generationTrusted(history, g)) {
      const status = history.chain.find((x) => x.path === g.fileName)?.status ?? 'unlisted';
      for (const f of g.files) {
        untrusted.set(f.path, [...(untrusted.get(f.path) ?? []), { sequence: g.sequence, fileName: g.fileName, status, hashes: Object.fromEntries(f.hashes.map((h) => [h.format, h.value])) }]);
      }
      continue;
    }
    for (const f of g.files) {
      if (f.previousPath) out.delete(f.previousPath);
      const prev = out.get(f.path);
      const hashes = { ...(prev?.hashes ?? {}) };
      const from = { ...(since.get(f.path) ?? {}) };
      const changes = [...(prev?.changes ?? [])];
      let failed = false;
      for (const h of f.hashes) {
        if (h.action === 'failed') {
          failed = true;
          continue;
        }
        const was = hashes[h.format];
        if (was !== undefined && was !== h.value) changes.push({ format: h.format, earlier: { generation: from[h.format] ?? g.sequence, value: was }, later: { generation: g.sequence, value: h.value } });
        if (was !== h.value) from[h.format] = g.sequence;
        hashes[h.format] = h.value;
      }
      since.set(f.path, from);
      // A failed verification records the size found then; what the file should hold is the earlier size.
      const size = failed && prev ? prev.size : f.size ?? prev?.size ?? null;
      out.set(f.path, { path: f.path, size, generation: g, hashes, ...(failed ? { failedIn: g.sequence } : {}), ...(changes.length ? { changes } : {}) });
    }
  }
  for (const [path, records] of untrusted) {
    const e = out.get(path);
    if (e) out.set(path, { ...e, untrusted: records });
  }
  return out;
}

/** The files only generations the history does not vouch for list, with what those record (see generationTrusted). */
export function untrustedOnlyFiles(history: MhlHistory): Map<string, UntrustedRecord[]> {
  const trusted = expectedFiles(history);
  const out = new Map<string, UntrustedRecord[]>();
  for (const g of history.generations) {
    if (generationTrusted(history, g)) continue;
    const status = history.chain.find((x) => x.path === g.fileName)?.status ?? 'unlisted';
    for (const f of g.files) {
      if (trusted.has(f.path)) continue;
      out.set(f.path, [...(out.get(f.path) ?? []), { sequence: g.sequence, fileName: g.fileName, status, hashes: Object.fromEntries(f.hashes.map((h) => [h.format, h.value])) }]);
    }
  }
  return out;
}
