// An embedded ICC colour profile without free text (ICC.1:2010 = v4.3, and ICC.1:2001-04 = v2).
// A profile made by a calibrator, a studio or a photographer's own tool carries text that can name
// a person: the description (desc), device manufacturer and model descriptions (dmnd, dmdd), the
// copyright (cprt), the viewing-conditions and screening descriptions (vued, scrd), a
// characterization target (targ), colorant and named-colour names, a profile sequence's device
// descriptions, dictionaries (meta) and private tags of any type. The colour transform is the rest:
// curves, matrices, LUTs, white point, chromatic adaptation, which are kept byte for byte so the
// picture renders exactly as before.
//
// Rule (a whitelist, by tag and type): a colour tag (COLOUR_TAGS: TRCs, XYZ, LUTs, chad, chrm…) of
// a number-only type it may have is kept cut to the length its type defines (curv 12 + 2n, para by
// function type, the six single-XYZ tags 20 bytes, chad 44, LUTs to their last element), with
// reserved bytes, padding and gaps zeroed (exactTag): bytes past that are read by no colour engine
// and could carry text. The required text tags are written anew with neutral text, in the type
// the original used (desc → "ICC profile", cprt → empty; textDescriptionType, multiLocalizedUnicode-
// Type or textType); every other tag (text-bearing, private, unknown, display calibration such as
// vcgt, or malformed) is dropped.
// The header keeps what a CMM uses (size, CMM, version, class, colour spaces, date, platform,
// flags, attributes, intent, illuminant) and zeroes the device manufacturer, device model and
// profile creator (§7.2.12, 7.2.13, 7.2.17: registered signatures, informational only, and they tie
// a picture to one device or tool) and the reserved bytes; the profile ID (§7.2.18) is recomputed
// when the original had one.
import { createHash } from 'node:crypto';

/** A profile that cannot be parsed as ICC (too short, no 'acsp', a tag outside the profile). */
export class IccFormatError extends Error {}

/**
 * The tags a colour engine uses to render a picture, and the number-only types each may have
 * (ICC.1:2010 §9, ICC.1:2001-04 §6.4, ICC.1:2022 cicp; `arts`, an sf32 matrix, as Argyll writes it).
 * Every other tag, private or not, is dropped: a tag of a numeric type can still hold any bytes,
 * and only these change how the picture looks.
 */
const LUTS = ['mft1', 'mft2', 'mAB ', 'mBA '];
const COLOUR_TAGS: Record<string, string[]> = {
  ...Object.fromEntries(['A2B0', 'A2B1', 'A2B2', 'B2A0', 'B2A1', 'B2A2', 'gamt', 'pre0', 'pre1', 'pre2'].map((t) => [t, LUTS])),
  ...Object.fromEntries(['D2B0', 'D2B1', 'D2B2', 'D2B3', 'B2D0', 'B2D1', 'B2D2', 'B2D3'].map((t) => [t, ['mpet']])),
  ...Object.fromEntries(['rXYZ', 'gXYZ', 'bXYZ', 'wtpt', 'bkpt', 'lumi'].map((t) => [t, ['XYZ ']])),
  ...Object.fromEntries(['rTRC', 'gTRC', 'bTRC', 'kTRC'].map((t) => [t, ['curv', 'para']])),
  chad: ['sf32'], arts: ['sf32'], chrm: ['chrm'], clro: ['clro'], meas: ['meas'], view: ['view'], tech: ['sig '], ciis: ['sig '],
  rig0: ['sig '], rig2: ['sig '], cicp: ['cicp'],
};
/** Tags that ICC.1:2010 defines as one XYZNumber (§9.2): type, reserved and 12 bytes. */
const SINGLE_XYZ = new Set(['wtpt', 'bkpt', 'rXYZ', 'gXYZ', 'bXYZ', 'lumi']);
/** Fixed sizes of number-only types (§10): type signature, reserved, the fields. */
const FIXED_SIZE: Record<string, number> = { 'meas': 36, 'view': 36, 'sig ': 12, 'cicp': 12 };
/** Parameters of each parametricCurveType function type (§10.18, Table 68). */
const PARA_PARAMS = [1, 3, 4, 5, 7];
/** Text types (§10.5 dataType is not among them: it is dropped, as it may hold text). */
const TEXT_TYPES = new Set(['desc', 'mluc', 'text']);
/** Text tags written anew (the two a profile must have, §8.2) and their neutral text. */
const NEUTRAL: Record<string, string> = { desc: 'ICC profile', cprt: '' };

/** What cleanIccProfile changed, by name: tags rewritten and tags dropped (signatures, never their text). */
export interface IccCleaning {
  rewritten: string[];
  dropped: string[];
  /** Colour tags kept with bytes their type does not define removed (cut to length, reserved and padding zeroed). */
  trimmed: string[];
  /** Header fields zeroed that were not zero. */
  header: string[];
}

const sig = (b: Buffer, at: number) => b.toString('latin1', at, at + 4);

/** textDescriptionType (ICC.1:2001-04 §6.5.17): ASCII, then empty Unicode and ScriptCode parts. */
function descType(text: string): Buffer {
  const ascii = Buffer.from(`${text}\0`, 'latin1');
  const b = Buffer.alloc(12 + ascii.length + 8 + 3 + 67);
  b.write('desc', 0, 'latin1');
  b.writeUInt32BE(ascii.length, 8);
  ascii.copy(b, 12);
  return b;
}

/** multiLocalizedUnicodeType (ICC.1:2010 §10.13): one en-US record in UTF-16BE. */
export function mlucType(text: string): Buffer {
  const s = Buffer.from(text, 'utf16le').swap16();
  const b = Buffer.alloc(28 + s.length);
  b.write('mluc', 0, 'latin1');
  b.writeUInt32BE(1, 8);
  b.writeUInt32BE(12, 12);
  b.write('enUS', 16, 'latin1');
  b.writeUInt32BE(s.length, 20);
  b.writeUInt32BE(28, 24);
  s.copy(b, 28);
  return b;
}

/** textType (ICC.1:2010 §10.24): NUL-terminated ASCII. */
function textType(text: string): Buffer {
  const b = Buffer.alloc(8 + text.length + 1);
  b.write('text', 0, 'latin1');
  b.write(text, 8, 'latin1');
  return b;
}

function neutralTag(type: string, text: string): Buffer {
  return type === 'desc' ? descType(text) : type === 'mluc' ? mlucType(text) : textType(text);
}

const align4 = (n: number) => n + ((4 - (n % 4)) % 4);

/** The size of the curv or para at `at` in `t` (§10.6: 12 + 2n; §10.18: 12 + 4 × parameters), or -1 when it is neither or runs past `t`. */
function curveSize(t: Buffer, at: number): number {
  if (at + 12 > t.length) return -1;
  const type = sig(t, at);
  let n = -1;
  if (type === 'curv') n = 12 + 2 * t.readUInt32BE(at + 8);
  else if (type === 'para') {
    const params = PARA_PARAMS[t.readUInt16BE(at + 8)];
    n = params === undefined ? -1 : 12 + 4 * params;
  }
  return n < 0 || at + n > t.length ? -1 : n;
}

/**
 * The byte ranges [start, end) of `t` that a lutAtoBType or lutBtoAType (§10.10, §10.11) uses:
 * its 32-byte header, each curve of its B, M and A curve sets, its matrix (12 s15Fixed16) and its
 * CLUT (grid points, precision, the table). Null when an element runs past the tag.
 */
function lutABRanges(t: Buffer): [number, number][] | null {
  if (t.length < 32) return null;
  const inCh = t[8]!;
  const outCh = t[9]!;
  const aToB = sig(t, 0) === 'mAB ';
  const ranges: [number, number][] = [[0, 4], [8, 10], [12, 32]];
  // Curve counts per set (B, M, A): mAB's B and M curves are output channels, its A curves input; mBA the other way round.
  const curves = (off: number, n: number): boolean => {
    let at = off;
    for (let i = 0; i < n; i++) {
      const size = curveSize(t, at);
      if (size < 0) return false;
      ranges.push([at, at + size]);
      at = align4(at + size);
    }
    return true;
  };
  const [offB, offMatrix, offM, offClut, offA] = [12, 16, 20, 24, 28].map((o) => t.readUInt32BE(o)) as [number, number, number, number, number];
  if (offB && !curves(offB, aToB ? outCh : inCh)) return null;
  if (offM && !curves(offM, aToB ? outCh : inCh)) return null;
  if (offA && !curves(offA, aToB ? inCh : outCh)) return null;
  if (offMatrix) {
    if (offMatrix + 48 > t.length) return null;
    ranges.push([offMatrix, offMatrix + 48]);
  }
  if (offClut) {
    if (offClut + 20 > t.length || inCh > 16) return null;
    let points = 1;
    for (let i = 0; i < inCh; i++) points *= t[offClut + i]!;
    const end = offClut + 20 + points * outCh * t[offClut + 16]!;
    if (end > t.length) return null;
    ranges.push([offClut, offClut + 17], [offClut + 20, end]);
  }
  return ranges;
}

/** The byte ranges of a multiProcessElementsType (§10.14): its header, position table and each element as its position table sizes it. */
function mpetRanges(t: Buffer): [number, number][] | null {
  if (t.length < 16) return null;
  const n = t.readUInt32BE(12);
  if (16 + 8 * n > t.length) return null;
  const ranges: [number, number][] = [[0, 4], [8, 16 + 8 * n]];
  for (let i = 0; i < n; i++) {
    const off = t.readUInt32BE(16 + 8 * i);
    const size = t.readUInt32BE(20 + 8 * i);
    if (off + size > t.length) return null;
    ranges.push([off, off + size]);
  }
  return ranges;
}

/** The byte ranges of a tag of type `type` that its structure defines (§10), or null when it is malformed or of a type without one. */
function tagRanges(tag: string, type: string, t: Buffer): [number, number][] | null {
  const upTo = (n: number): [number, number][] | null => (n >= 8 && n <= t.length ? [[0, 4], [8, n]] : null);
  if (FIXED_SIZE[type]) return upTo(FIXED_SIZE[type]!);
  switch (type) {
    case 'XYZ ':
      return upTo(SINGLE_XYZ.has(tag) ? 20 : 8 + 12 * Math.floor((t.length - 8) / 12));
    case 'curv':
    case 'para': {
      const n = curveSize(t, 0);
      // para: the function type (2 bytes) is followed by 2 reserved bytes
      return n < 0 ? null : type === 'para' ? [[0, 4], [8, 10], [12, n]] : upTo(n);
    }
    case 'sf32':
      return upTo(44); // chad and arts: a 3×3 matrix
    case 'chrm':
      return t.length < 12 ? null : upTo(12 + 8 * t.readUInt16BE(8));
    case 'clro':
      return t.length < 12 ? null : upTo(12 + t.readUInt32BE(8));
    case 'mft1':
    case 'mft2': {
      if (t.length < 52) return null;
      const [i, o, g] = [t[8]!, t[9]!, t[10]!];
      const grid = g ** i * o;
      // lut8 (§10.8): 48-byte header, 256-entry input and output tables, one byte per value; lut16
      // (§10.9): 52-byte header (table sizes n, m at 48, 50), two bytes per value. Byte 11 is padding.
      const end = type === 'mft1' ? 48 + 256 * i + grid + 256 * o : 52 + 2 * (t.readUInt16BE(48) * i + grid + t.readUInt16BE(50) * o);
      return end <= t.length ? [[0, 4], [8, 11], [12, end]] : null;
    }
    case 'mAB ':
    case 'mBA ':
      return lutABRanges(t);
    case 'mpet':
      return mpetRanges(t);
    default:
      return null;
  }
}

/**
 * `t` (one tag's data) cut to the end of what its type defines and with every byte outside the
 * defined fields (reserved, padding, gaps between a LUT's elements) set to zero, or null when the
 * tag is malformed. What the structure does not cover is read by no colour engine, so it can hold
 * text that `strings` shows; the defined fields are copied as they are, so colours do not change.
 */
export function exactTag(tag: string, t: Buffer): Buffer | null {
  const ranges = tagRanges(tag, sig(t, 0), t);
  if (!ranges) return null;
  const end = Math.max(...ranges.map(([, e]) => e));
  const out = Buffer.alloc(end);
  for (const [a, b] of ranges) t.copy(out, a, a, b);
  return out;
}

/**
 * The ICC profile `icc` rewritten without free text, as the module comment describes: colour tags
 * cut to their defined content (tags sharing data still share it when cut alike), desc and cprt replaced by neutral text in their
 * own type, every other tag dropped, device manufacturer/model and creator zeroed, tag data
 * 4-byte aligned, the header size and (when the original set one) the MD5 profile ID recomputed
 * (ICC.1:2010 §7.2.18). Returns the new profile and what changed. Throws IccFormatError when `icc`
 * is not a parsable profile; the caller then drops the profile.
 */
export function cleanIccProfile(icc: Buffer): { data: Buffer; changes: IccCleaning } {
  if (icc.length < 132) throw new IccFormatError(`ICC profile of ${icc.length} bytes is shorter than its header`);
  if (sig(icc, 36) !== 'acsp') throw new IccFormatError('no ICC profile signature (acsp) at byte 36');
  const size = Math.min(icc.readUInt32BE(0), icc.length);
  const count = icc.readUInt32BE(128);
  if (132 + count * 12 > size) throw new IccFormatError(`ICC tag table of ${count} tags runs past the profile's end`);
  const changes: IccCleaning = { rewritten: [], dropped: [], trimmed: [], header: [] };
  const tags: { sig: string; data: Buffer; key: string }[] = [];
  for (let i = 0; i < count; i++) {
    const e = 132 + i * 12;
    const tag = sig(icc, e);
    const off = icc.readUInt32BE(e + 4);
    const len = icc.readUInt32BE(e + 8);
    if (off < 132 || len < 4 || off + len > size) throw new IccFormatError(`ICC tag ${JSON.stringify(tag)} lies outside the profile`);
    const type = sig(icc, off);
    if (NEUTRAL[tag] !== undefined && TEXT_TYPES.has(type)) {
      tags.push({ sig: tag, data: neutralTag(type, NEUTRAL[tag]!), key: `new:${tag}` });
      changes.rewritten.push(tag);
    } else if (COLOUR_TAGS[tag]?.includes(type)) {
      const exact = exactTag(tag, icc.subarray(off, off + len));
      if (!exact) changes.dropped.push(tag);
      else {
        // Tags that shared data share it still when cut alike (rXYZ and a same-offset lumi, say): the key is the offset and the result.
        tags.push({ sig: tag, data: exact, key: `${off}:${createHash('sha256').update(exact).digest('hex')}` });
        if (exact.length < len || !exact.equals(icc.subarray(off, off + exact.length))) changes.trimmed.push(tag);
      }
    } else changes.dropped.push(tag);
  }
  const tableEnd = 132 + tags.length * 12;
  const header = Buffer.from(icc.subarray(0, 128));
  for (const [name, at] of [['device manufacturer', 48], ['device model', 52], ['profile creator', 80]] as const) {
    if (header.readUInt32BE(at) !== 0) changes.header.push(name);
    header.writeUInt32BE(0, at);
  }
  header.fill(0, 100, 128);
  const table = Buffer.alloc(4 + tags.length * 12);
  table.writeUInt32BE(tags.length, 0);
  const parts: Buffer[] = [];
  const placed = new Map<string, number>();
  let at = tableEnd;
  tags.forEach((t, i) => {
    let off = placed.get(t.key);
    if (off === undefined) {
      const pad = (4 - (at % 4)) % 4;
      if (pad) parts.push(Buffer.alloc(pad));
      off = at + pad;
      parts.push(t.data);
      at = off + t.data.length;
      placed.set(t.key, off);
    }
    table.write(t.sig, 4 + i * 12, 'latin1');
    table.writeUInt32BE(off, 8 + i * 12);
    table.writeUInt32BE(t.data.length, 12 + i * 12);
  });
  const tail = (4 - (at % 4)) % 4;
  const data = Buffer.concat([header, table, ...parts, Buffer.alloc(tail)]);
  data.writeUInt32BE(data.length, 0);
  if (!icc.subarray(84, 100).equals(Buffer.alloc(16))) data.set(iccProfileId(data), 84);
  return { data, changes };
}

/**
 * The profile ID of `icc` (ICC.1:2010 §7.2.18): MD5 of the whole profile with the profile flags
 * (bytes 44–47), rendering intent (64–67) and profile ID (84–99) taken as zero. 16 bytes.
 */
export function iccProfileId(icc: Buffer): Buffer {
  const b = Buffer.from(icc);
  b.fill(0, 44, 48);
  b.fill(0, 64, 68);
  b.fill(0, 84, 100);
  return createHash('md5').update(b).digest();
}

/** A short list of what cleaning changed, for a redaction's `removed` groups ("ICC profile text (desc, cprt)"…). */
export function iccRemovedGroups(c: IccCleaning): string[] {
  const out: string[] = [];
  if (c.rewritten.length) out.push(`ICC profile text replaced (${c.rewritten.map((s) => s.trim()).join(', ')})`);
  if (c.dropped.length) out.push(`ICC profile tags dropped (${c.dropped.map((s) => s.trim()).join(', ')})`);
  if (c.trimmed.length) out.push(`ICC profile tags cut to their defined length (${c.trimmed.map((s) => s.trim()).join(', ')})`);
  if (c.header.length) out.push(`ICC profile header zeroed (${c.header.join(', ')})`);
  return out;
}

/**
 * `icc` cleaned for a redacted copy, or null when it cannot be parsed (the copy then carries no
 * profile: its colours are read as sRGB, which may shift them, rather than keep bytes nobody
 * checked). `groups` names what was changed or dropped, for the redaction's `removed` record.
 */
export function scrubIcc(icc: Buffer): { data: Buffer | null; groups: string[] } {
  try {
    const { data, changes } = cleanIccProfile(icc);
    return { data, groups: iccRemovedGroups(changes) };
  } catch (e) {
    if (!(e instanceof IccFormatError)) throw e;
    return { data: null, groups: [`ICC profile dropped (unreadable: ${e.message})`] };
  }
}
