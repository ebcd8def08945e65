// File names for the payload of an exported bag. A recipient may unpack the set on Windows, macOS
// or Linux, so every name must be legal and distinct on all three, yet stay recognisable as the
// name the file had when it was collected.

/** Longest file name, in UTF-8 bytes, that ext4, APFS and NTFS all accept (NTFS counts 255 UTF-16 units, which is never fewer). */
const MAX_NAME_BYTES = 255;

/** Hex digits of the SHA-256 put into a name to tell apart files that would share it. */
const SHORT_HASH_HEX = 8;

/** Extensions longer than this are treated as part of the stem (e.g. "report.final-version-2"). */
const MAX_EXTENSION_CHARS = 16;

// Replaced, not removed, so that the reader sees something was there.
// - C0/C1 controls and DEL: illegal on Windows (C0), and CR/LF would need escaping in every
//   manifest and break `sha256sum -c`.
// - < > : " / \ | ? *: reserved on Windows; ':' is also the Finder's path separator on macOS;
//   '/' and '\' would turn one name into a path.
// - U+2028/U+2029: line separators to many text readers (Python's splitlines among them), so a
//   manifest line holding one would be split in two.
// - Bidirectional controls: they can make "gpj.exe" display as "exe.jpg"; evidence names must read
//   as what they are.
// - U+FEFF: invisible; two names differing only by it look identical.
const ILLEGAL = /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

// A surrogate half without its partner cannot be encoded as UTF-8 (Buffer would silently write
// U+FFFD, so the name on disk would differ from the one in the manifest).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

// '%' is legal everywhere, but a BagIt manifest must write it as "%25" (RFC 8493 §2.1.3), and
// `sha256sum -c` does not decode that, so a payload name holding '%' would fail the one check a
// recipient can run without BagIt tools. U+FF05 FULLWIDTH PERCENT SIGN reads the same ("100％.txt");
// the original name stays in evidence/items.json.
const PERCENT = /%/gu;
const FULLWIDTH_PERCENT = '\uff05';

// Windows refuses these device names as a file's stem, whatever the extension ("CON.jpg").
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/iu;

// Windows strips trailing dots and spaces (so "a." and "a" collide), and BagIt tools that trim
// manifest lines would lose trailing Unicode spaces.
const TRAILING_DOTS_SPACES = /[\s.]+$/u;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Cuts `s` to at most `maxBytes` UTF-8 bytes on a grapheme boundary, so that no base letter loses
 * its accent and no emoji is split into garbage.
 */
function truncateBytes(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(s)) {
    const b = utf8Bytes(segment);
    if (used + b > maxBytes) break;
    out += segment;
    used += b;
  }
  return out;
}

/** Splits "name.ext" into stem and ".ext"; no extension for dot-less names or implausibly long ones. */
function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot - 1 > MAX_EXTENSION_CHARS || dot === name.length - 1) {
    return { stem: name, ext: '' };
  }
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/**
 * Joins stem, an optional tag (e.g. " [3f2a9c1b]") and extension, shortening the stem so the
 * whole name fits in MAX_NAME_BYTES; the extension is kept because recipients' tools choose the
 * viewer by it.
 */
function composeName(stem: string, tag: string, ext: string): string {
  const fixed = utf8Bytes(tag) + utf8Bytes(ext);
  if (fixed >= MAX_NAME_BYTES) {
    // Only a pathological extension gets here; the name must still fit.
    return truncateBytes(stem + tag + ext, MAX_NAME_BYTES).replace(TRAILING_DOTS_SPACES, '');
  }
  let s = truncateBytes(stem, MAX_NAME_BYTES - fixed);
  // Shortening may leave "name ." at the very end, which Windows would strip.
  if (tag === '' && ext === '') s = s.replace(TRAILING_DOTS_SPACES, '');
  if (s === '') s = '_';
  return s + tag + ext;
}

/**
 * One path segment made safe for Windows, macOS and Linux: NFC, illegal characters replaced by
 * "_", "%" replaced by "％" (U+FF05), no trailing dots or spaces, no leading dot (hidden files are easily left behind when a
 * recipient copies the set), no Windows device name, at most 255 UTF-8 bytes. Returns "" when
 * nothing usable is left (caller supplies a fallback).
 */
export function sanitizeSegment(raw: string): string {
  let s = raw.replace(LONE_SURROGATE, '_').normalize('NFC').replace(ILLEGAL, '_').replace(PERCENT, FULLWIDTH_PERCENT);
  s = s.replace(TRAILING_DOTS_SPACES, '');
  if (s.startsWith('.')) s = '_' + s.slice(1);
  if (WINDOWS_RESERVED.test(s)) s = '_' + s;
  if (s === '') return '';
  const { stem, ext } = splitExtension(s);
  return composeName(stem, '', ext);
}

/**
 * Key under which two names are "the same file" on a case-insensitive, normalization-insensitive
 * file system (NTFS, APFS and HFS+ by default). Folding through upper then lower case is coarser
 * than any of them (e.g. "ß" meets "ss"), which only costs an unneeded hash tag, never a lost file.
 */
function foldKey(s: string): string {
  return s.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * Relative paths under a bag's `data/` directory for the given originals, in input order.
 *
 * Input: `entries[i] = { name, sha256, dir? }` where `name` is the file's original name (any
 * string; a path in it is not honoured, its separators are replaced), `sha256` its lower- or
 * upper-case hex SHA-256 (64 digits), and `dir` an optional sub-folder (e.g. a place name), which
 * is sanitised the same way and is always a single folder level.
 *
 * Output: `paths[i]`, e.g. "IMG_0001.JPG" or "Көк-Таш/IMG_0001.JPG", using "/" as separator and
 * never starting with "data/". Each segment is NFC, has no character illegal on Windows, macOS or
 * Linux, no "%" (replaced by U+FF05 FULLWIDTH PERCENT SIGN, so no manifest line needs
 * percent-encoding and `sha256sum -c manifest-sha256.txt` checks every file), and is at most 255 UTF-8 bytes (the extension is kept when shortening). Names that would
 * collide — compared case- and normalization-insensitively, since recipients may be on Windows or
 * macOS — all get " [<first 8 hex of sha256>]" before the extension, e.g.
 * "IMG_0001 [3f2a9c1b].JPG" (longer prefixes, then " (n)", if that still collides). No collider is
 * privileged, so the result does not depend on which entry came first. A file name that equals a
 * folder name (case-insensitively) is tagged likewise. Folder names differing only in case are
 * merged under the code-point-smallest spelling.
 *
 * Empty names, or names with nothing usable left, become the first 16 hex digits of the sha256.
 *
 * Follows: Microsoft "Naming Files, Paths, and Namespaces" (reserved characters and device names,
 * trailing dots/spaces); Unicode UAX #15 (NFC) and UAX #29 (grapheme boundaries for shortening);
 * RFC 8493 §2.1.3 (so no name needs percent-encoding: no CR, LF or "%").
 *
 * Throws TypeError if an entry's sha256 is not 64 hex digits.
 */
export function payloadPaths(entries: { name: string; sha256: string; dir?: string }[]): string[] {
  const prepared = entries.map((e, index) => {
    if (!/^[0-9a-f]{64}$/iu.test(e.sha256)) {
      throw new TypeError(`payloadPaths: entry ${index} (${JSON.stringify(e.name)}) has no valid sha256: ${JSON.stringify(e.sha256)}`);
    }
    const sha = e.sha256.toLowerCase();
    const name = sanitizeSegment(e.name) || sha.slice(0, 16);
    // A blank place name means "no folder", not a folder called "_".
    const dir = e.dir === undefined || e.dir.trim() === '' ? null : sanitizeSegment(e.dir) || '_';
    return { index, sha, name, dir };
  });

  // One spelling per folder, chosen independently of input order.
  const dirSpelling = new Map<string, string>();
  for (const p of prepared) {
    if (p.dir === null) continue;
    const k = foldKey(p.dir);
    const cur = dirSpelling.get(k);
    if (cur === undefined || p.dir < cur) dirSpelling.set(k, p.dir);
  }

  const used = new Set<string>(); // fold keys of full paths (and of folders, at top level)
  for (const k of dirSpelling.keys()) used.add(k);

  const withDir = prepared.map((p) => {
    const dir = p.dir === null ? null : (dirSpelling.get(foldKey(p.dir)) ?? p.dir);
    const prefix = dir === null ? '' : dir + '/';
    return { ...p, dir, prefix, key: foldKey(prefix + p.name) };
  });

  const groups = new Map<string, typeof withDir>();
  for (const p of withDir) {
    const g = groups.get(p.key);
    if (g) g.push(p);
    else groups.set(p.key, [p]);
  }

  const result: string[] = new Array<string>(entries.length);
  const needTag: typeof withDir = [];
  // Unique names claim theirs first, so a tagged name never displaces one.
  for (const g of groups.values()) {
    const only = g[0];
    if (g.length === 1 && only && !used.has(only.key)) {
      used.add(only.key);
      result[only.index] = only.prefix + only.name;
    } else {
      needTag.push(...g);
    }
  }

  // Stable order for the tagged ones: by key, then hash, then input position.
  needTag.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : a.index - b.index));
  for (const p of needTag) {
    const { stem, ext } = splitExtension(p.name);
    let chosen: string | null = null;
    for (const len of [SHORT_HASH_HEX, 16, 64]) {
      const candidate = p.prefix + composeName(stem, ` [${p.sha.slice(0, len)}]`, ext);
      if (!used.has(foldKey(candidate))) {
        chosen = candidate;
        break;
      }
    }
    // Same name and same content twice: only a counter can tell them apart.
    for (let n = 2; chosen === null; n++) {
      const candidate = p.prefix + composeName(stem, ` [${p.sha.slice(0, SHORT_HASH_HEX)}] (${n})`, ext);
      if (!used.has(foldKey(candidate))) chosen = candidate;
    }
    used.add(foldKey(chosen));
    result[p.index] = chosen;
  }
  return result;
}
