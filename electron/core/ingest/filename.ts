// File names on a card are bytes. Linux allows any bytes but '/' and NUL, and cards written by
// old Windows tools carry CP1251/CP866 names that are not UTF-8. Node turns such bytes into
// U+FFFD in strings, after which the file can no longer be opened by that name, so the walk keeps
// the bytes, and shows people a readable, unambiguous text form.
//
// The identity of a path is its bytes (issue 11): the walk, the resume lookup and the catalog's
// sightings compare bytes. The text form below is for people and for the custody log, and it is
// injective: two different byte names never show the same text, so what a report lists once is
// one file.
import { sep } from 'node:path';

const fatal = new TextDecoder('utf-8', { fatal: true });

/** True when `bytes` is well-formed UTF-8 (RFC 3629). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// On Windows "\" is the path separator and cannot be part of a name, so it is shown as itself;
// elsewhere it is an ordinary name character and begins an escape in the display form.
const BACKSLASH_ESCAPED = sep !== '\\';

/** Length of the well-formed UTF-8 sequence starting at `bytes[i]`, or 0 when there is none (RFC 3629 §4). */
function utf8SequenceAt(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (len === 0 || i + len > bytes.length) return 0;
  return isUtf8(bytes.subarray(i, i + len)) ? len : 0;
}

const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

/**
 * The display form of a file name or path given as bytes (on Linux and macOS; see below for
 * Windows). Three rules, applied left to right:
 * - a backslash (0x5C) is written `\\`;
 * - a byte that is not part of a well-formed UTF-8 sequence (RFC 3629) is written `\xHH`, two
 *   upper-case hex digits: the CP1251 name `0xCF 0xF0 0xE8 .jpg` becomes `\xCF\xF0\xE8.jpg`;
 * - every other character is itself (Cyrillic, accents, emoji; control characters too, which the
 *   CLI's human output writes as `\uHHHH`, see cli/commands/text.ts printable).
 *
 * So every backslash in a display form begins an escape, and the form is injective: the raw byte
 * 0xFF shows as `name_\xFF.txt`, the literal text shows as `name_\\xFF.txt`. parseDisplayName is
 * its inverse. Unicode normalization is not applied: NFC `й` (U+0439) and NFD `й` (U+0438 U+0306)
 * are two names and two texts. A name that is UTF-8 without a backslash is shown exactly as it is
 * (hasPlainDisplay). On Windows, where "\" is the separator and names are UTF-16, backslashes are
 * shown as they are. Never throws. Not used to open files: the bytes are.
 */
export function displayName(bytes: Uint8Array): string {
  if (hasPlainDisplay(bytes)) return Buffer.from(bytes).toString('utf8');
  let out = '';
  let i = 0;
  let runStart = 0;
  const flush = (end: number) => {
    if (end > runStart) out += Buffer.from(bytes.subarray(runStart, end)).toString('utf8');
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = utf8SequenceAt(bytes, i);
    if (len > 0 && !(b === 0x5c && BACKSLASH_ESCAPED)) {
      i += len;
      continue;
    }
    flush(i);
    out += len > 0 ? '\\\\' : `\\x${hex2(b)}`;
    i += 1;
    runStart = i;
  }
  flush(i);
  return out;
}

/**
 * True when displayName(bytes) is simply the bytes read as UTF-8 (well-formed UTF-8, and no
 * backslash outside Windows): then the text alone names the file and a report needs no
 * `pathBytes`.
 */
export function hasPlainDisplay(bytes: Uint8Array): boolean {
  return isUtf8(bytes) && !(BACKSLASH_ESCAPED && bytes.includes(0x5c));
}

/**
 * The exact bytes of a name for a JSON report, base64 (RFC 4648 §4), when its display form is not
 * the name itself (see hasPlainDisplay); undefined when it is. Reports put it beside the display
 * form as `pathBytes` (or `nameBytes`), so a program can tell apart and open names that are not
 * UTF-8.
 */
export function bytesField(bytes: Uint8Array): string | undefined {
  return hasPlainDisplay(bytes) ? undefined : Buffer.from(bytes).toString('base64');
}

/**
 * The bytes a display form stands for: the inverse of displayName, so
 * `parseDisplayName(displayName(b))` equals `b` for every byte string `b`. `\\` is one backslash,
 * `\xHH` (either case of hex digit) one byte; on Windows a backslash is taken literally. Throws
 * Error naming the position when the text is not a display form (a backslash followed by
 * anything else, or at the end).
 */
export function parseDisplayName(text: string): Buffer {
  if (!BACKSLASH_ESCAPED) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let runStart = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '\\') {
      i++;
      continue;
    }
    parts.push(Buffer.from(text.slice(runStart, i), 'utf8'));
    if (text[i + 1] === '\\') {
      parts.push(Buffer.from([0x5c]));
      i += 2;
    } else if (text[i + 1] === 'x' && /^[0-9A-Fa-f]{2}$/u.test(text.slice(i + 2, i + 4))) {
      parts.push(Buffer.from([parseInt(text.slice(i + 2, i + 4), 16)]));
      i += 4;
    } else {
      throw new Error(`not a display form of a name: a backslash at ${i} begins no escape (\\\\ or \\xHH): ${JSON.stringify(text)}`);
    }
    runStart = i;
  }
  parts.push(Buffer.from(text.slice(runStart), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * The text form older versions (catalog schema ≤ 4) recorded for a path: well-formed UTF-8 as it
 * is, backslashes included, and only in a path that is not UTF-8, each byte outside a UTF-8
 * sequence as `\xHH`. Not injective (the raw byte 0xFF and the text "\xFF" both read `\xFF`);
 * kept only to recognise, on resume, files that an older version ingested (db/items.ts
 * findSightingBySource). Never throws.
 */
export function legacyDisplayName(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes).toString('utf8');
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const len = utf8SequenceAt(bytes, i);
    if (len > 0) {
      out += Buffer.from(bytes.subarray(i, i + len)).toString('utf8');
      i += len;
    } else {
      out += `\\x${hex2(bytes[i]!)}`;
      i += 1;
    }
  }
  return out;
}

/** Escape-looking sequences in an old text beyond which legacyReadings tries only the two extreme readings. */
const MAX_LEGACY_ESCAPES = 10;

/**
 * The byte strings an older version may have recorded as `text` (legacyDisplayName): each `\xHH`
 * in it is either those four characters or the byte HH, and a reading counts when it reads back
 * as `text`. The first entry is always the text as UTF-8 (a name holding only literal "\xHH");
 * more than one entry means the text alone cannot tell which file it named. With more than
 * MAX_LEGACY_ESCAPES (10) such sequences, only the all-literal and all-bytes readings are tried,
 * so the list may then be incomplete. Never throws.
 */
export function legacyReadings(text: string): Buffer[] {
  const literal = Buffer.from(text, 'utf8');
  const matches = [...text.matchAll(/\\x([0-9A-F]{2})/gu)];
  if (matches.length === 0) return [literal];
  const gaps: Buffer[] = [];
  let last = 0;
  for (const m of matches) {
    gaps.push(Buffer.from(text.slice(last, m.index), 'utf8'));
    last = m.index + m[0].length;
  }
  gaps.push(Buffer.from(text.slice(last), 'utf8'));
  const reading = (asByte: (k: number) => boolean): Buffer => Buffer.concat(matches.flatMap((m, k) => [
    gaps[k]!, asByte(k) ? Buffer.from([parseInt(m[1]!, 16)]) : Buffer.from(m[0], 'utf8'),
  ]).concat([gaps[matches.length]!]));
  const masks = matches.length <= MAX_LEGACY_ESCAPES ? Array.from({ length: (1 << matches.length) - 1 }, (_, i) => i + 1) : [(1 << 30) - 1];
  const out: Buffer[] = [literal];
  for (const mask of masks) {
    const b = reading((k) => ((mask >> Math.min(k, 29)) & 1) === 1);
    if (!isUtf8(b) && legacyDisplayName(b) === text) out.push(b);
  }
  return out;
}

/** The bytes of a path an older version recorded as `text`, or null when it may stand for two (see legacyReadings). */
export function legacyPathBytes(text: string): Buffer | null {
  const r = legacyReadings(text);
  return r.length === 1 ? r[0]! : null;
}

/**
 * The reason a file failed, for the report: the error's message, with the file's display path
 * (`path`, see displayName) in place of the text Node puts in its fs messages for the file
 * (`rawPath`, the name's bytes: for a name that is not UTF-8, Node's text is U+FFFD-mangled;
 * for one holding a backslash it differs from the display form), and prefixed with `path` when
 * the message does not name the file already. Never throws.
 */
export function failureText(path: string, e: unknown, rawPath?: Uint8Array): string {
  let msg = e instanceof Error ? e.message : String(e);
  if (rawPath) msg = msg.split(Buffer.from(rawPath).toString('utf8')).join(path);
  return msg.includes(path) ? msg : `${path}: ${msg}`;
}
