// An embedded ICC colour profile without free text (ICC.1:2010 = v4.3, and ICC.1:2001-04 = v2).
// A profile made by a calibrator, a studio or a photographer's own tool carries text that can name
// a person: the description (desc), device manufacturer and model descriptions (dmnd, dmdd), the
// copyright (cprt), the viewing-conditions and screening descriptions (vued, scrd), a
// characterization target (targ), colorant and named-colour names, a profile sequence's device
// descriptions, dictionaries (meta) and private tags of any type. The colour transform is the rest:
// curves, matrices, LUTs, white point, chromatic adaptation, which are kept byte for byte so the
// picture renders exactly as before.
//
// Rule (a whitelist, by tag type, §10): a tag whose type is one of the numeric types below is
// copied byte for byte; the required text tags are written anew with neutral text, in the type
// the original used (desc → "ICC profile", cprt → empty; textDescriptionType, multiLocalizedUnicode-
// Type or textType); every other tag (any other text-bearing, private or unknown type) is dropped.
// The header keeps what a CMM uses (size, CMM, version, class, colour spaces, date, platform,
// flags, attributes, intent, illuminant) and zeroes the device manufacturer, device model and
// profile creator (§7.2.12, 7.2.13, 7.2.17: registered signatures, informational only, and they tie
// a picture to one device or tool) and the reserved bytes; the profile ID (§7.2.18) is recomputed
// when the original had one.
import { createHash } from 'node:crypto';

/** A profile that cannot be parsed as ICC (too short, no 'acsp', a tag outside the profile). */
export class IccFormatError extends Error {}

/** Tag types that hold numbers only (ICC.1:2010 §10, plus Apple's vcgt/ndin and ICC.1:2022's cicp). */
const NUMERIC_TYPES = new Set([
  'curv', 'para', 'XYZ ', 'sf32', 'uf32', 'ui08', 'ui16', 'ui32', 'ui64', 'mft1', 'mft2', 'mAB ', 'mBA ', 'mpet', 'chrm', 'clro',
  'meas', 'sig ', 'view', 'dtim', 'cicp', 'vcgt', 'ndin', 'gbd ', 'scrn',
]);
/** Text types (§10.5 dataType is not among them: it is dropped, as it may hold text). */
const TEXT_TYPES = new Set(['desc', 'mluc', 'text']);
/** Text tags written anew (the two a profile must have, §8.2) and their neutral text. */
const NEUTRAL: Record<string, string> = { desc: 'ICC profile', cprt: '' };

/** What cleanIccProfile changed, by name: tags rewritten and tags dropped (signatures, never their text). */
export interface IccCleaning {
  rewritten: string[];
  dropped: string[];
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

/**
 * The ICC profile `icc` rewritten without free text, as the module comment describes: numeric tags
 * byte for byte (tags sharing data still share it), desc and cprt replaced by neutral text in their
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
  const changes: IccCleaning = { rewritten: [], dropped: [], header: [] };
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
    } else if (NUMERIC_TYPES.has(type)) {
      tags.push({ sig: tag, data: icc.subarray(off, off + len), key: `${off}:${len}` });
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
