// Lossless metadata removal from a JPEG (ITU-T T.81 Annex B syntax): the file is rewritten
// segment by segment, keeping the frame, tables and every scan's entropy-coded data byte for byte,
// and dropping the segments that carry metadata: APP1 (EXIF with its GPS IFD, maker notes and IFD1
// thumbnail; XMP with its thumbnails), APP2 other than ICC (MPF secondary images, FlashPix),
// APP3–APP13 (IPTC/Photoshop in APP13, camera-specific blocks), APP15, COM, JFIF extension
// thumbnails, and all bytes after EOI (MPF large previews, phone trailers). APP0 JFIF is kept with
// its thumbnail cut away, APP14 Adobe is kept cut to its 12-byte body (it changes how the pixels
// decode; any other APP14 is dropped), every other kept segment (frame header, tables, scan
// headers) is cut to the length T.81 defines for it (exactSegment), quantization and Huffman
// tables that no frame component or scan uses are dropped, and the ICC
// profile (APP2 ICC_PROFILE, possibly split over several segments) is reassembled, cleaned of
// free text (icc-clean.ts) and split again where its first segment was. The new minimal EXIF/XMP
// (exif-min.ts) goes right after APP0.
import { minimalExif, minimalXmp, tiffTagNames, type KeptMetadata } from './exif-min.ts';
import { scrubIcc } from './icc-clean.ts';

/** What a strip removed: the metadata groups (segments) and the tag names read in them; never values. */
export interface Removed {
  groups: string[];
  tags: string[];
  /** How many more keys were removed that are not named in `tags` (video-strip.ts: keys outside the known vocabulary). */
  otherTags?: number;
}

/** A JPEG that cannot be parsed (not a JPEG, cut short, a segment past the end). */
export class JpegFormatError extends Error {}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const XMP_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const ICC_HEADER = Buffer.from('ICC_PROFILE\0', 'latin1');

function segment(marker: number, payload: Buffer): Buffer {
  if (payload.length + 2 > 0xffff) throw new JpegFormatError(`segment FF${marker.toString(16)} of ${payload.length} bytes does not fit a JPEG segment`);
  const h = Buffer.alloc(4);
  h[0] = 0xff;
  h[1] = marker;
  h.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([h, payload]);
}

function app1Name(p: Buffer): string {
  if (p.subarray(0, 6).equals(EXIF_HEADER)) return 'EXIF';
  if (p.subarray(0, XMP_HEADER.length).equals(XMP_HEADER)) return 'XMP';
  if (p.toString('latin1', 0, 34).startsWith('http://ns.adobe.com/xmp/extension/')) return 'XMP extension';
  return 'APP1';
}

function app2Name(p: Buffer): string {
  if (p.subarray(0, 4).toString('latin1') === 'MPF\0') return 'MPF';
  if (p.subarray(0, 5).toString('latin1') === 'FPXR\0') return 'FlashPix';
  return 'APP2';
}

/** Names a dropped segment by its marker and identifier: "EXIF", "XMP", "IPTC", "MPF", "COM", "APP5"… */
function groupName(marker: number, p: Buffer): string {
  if (marker === 0xe1) return app1Name(p);
  if (marker === 0xe2) return app2Name(p);
  if (marker === 0xed) return p.toString('latin1', 0, 13) === 'Photoshop 3.0' ? 'IPTC/Photoshop' : 'APP13';
  if (marker === 0xfe) return 'COM';
  if (marker === 0xe0) return 'JFXX thumbnail';
  return `APP${marker - 0xe0}`;
}

/** APP0 JFIF without its thumbnail (JFIF 1.02: Xthumbnail = Ythumbnail = 0), or null when not JFIF. */
function jfifWithoutThumbnail(p: Buffer): { payload: Buffer; hadThumbnail: boolean } | null {
  if (p.length < 14 || p.toString('latin1', 0, 5) !== 'JFIF\0') return null;
  const out = Buffer.from(p.subarray(0, 14));
  const hadThumbnail = p[12]! > 0 && p[13]! > 0;
  out[12] = 0;
  out[13] = 0;
  return { payload: out, hadThumbnail };
}

/** Payload of an Adobe APP14 (Adobe TN 5116): "Adobe", version, flags0, flags1 (2 bytes each), transform (1). */
const ADOBE_LENGTH = 12;

/** True for an APP14 payload that begins with a whole Adobe header; any other APP14 is dropped. */
function adobeApp14(p: Buffer): boolean {
  return p.length >= ADOBE_LENGTH && p.toString('latin1', 0, 5) === 'Adobe';
}

/** "SOF0", "DHT", "SOS"…, or "FFxx", for the `removed` groups. */
function markerName(marker: number): string {
  const names: Record<number, string> = { 0xc4: 'DHT', 0xcc: 'DAC', 0xda: 'SOS', 0xdb: 'DQT', 0xdc: 'DNL', 0xdd: 'DRI', 0xde: 'DHP', 0xdf: 'EXP' };
  if (names[marker]) return names[marker]!;
  if (isSof(marker)) return `SOF${marker - 0xc0}`;
  return `FF${marker.toString(16).toUpperCase()}`;
}

/** SOF0–SOF15 (T.81 Table B.1) less DHT (C4), JPG (C8) and DAC (CC), and JPEG-LS's SOF55 (F7, same layout). */
const isSof = (m: number) => (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xf7;

/** The length of the DQT tables at the start of `p` (T.81 B.2.4.1: Pq/Tq then 64 one- or two-byte values), stopping at the first that is not one. */
function dqtLength(p: Buffer): number {
  let at = 0;
  while (at < p.length) {
    const pq = p[at]! >> 4;
    const size = 1 + 64 * (pq + 1);
    if (pq > 1 || (p[at]! & 0x0f) > 3 || at + size > p.length) break;
    at += size;
  }
  return at;
}

/** The length of the DHT tables at the start of `p` (T.81 B.2.4.2: Tc/Th, 16 counts, the values), stopping at the first that is not one. */
function dhtLength(p: Buffer): number {
  let at = 0;
  while (at + 17 <= p.length) {
    if (p[at]! >> 4 > 1 || (p[at]! & 0x0f) > 3) break;
    let n = 0;
    for (let i = 1; i <= 16; i++) n += p[at + i]!;
    if (n > 256 || at + 17 + n > p.length) break;
    at += 17 + n;
  }
  return at;
}

/** The length of the DAC entries at the start of `p` (T.81 B.2.4.3: Tc/Tb then Cs, 2 bytes each), stopping at the first that is not one. */
function dacLength(p: Buffer): number {
  let at = 0;
  while (at + 2 <= p.length && p[at]! >> 4 <= 1 && (p[at]! & 0x0f) <= 3) at += 2;
  return at;
}

/**
 * The tables of a DQT or DHT payload `p` (already cut by exactSegment) that `used` names ("q<Tq>";
 * "h<Tc><Th>"), concatenated; empty when none is used.
 */
function usedTablesOf(marker: number, p: Buffer, used: Set<string>): Buffer {
  const kept: Buffer[] = [];
  for (let at = 0; at < p.length;) {
    let size: number;
    let key: string;
    if (marker === 0xdb) {
      size = 1 + 64 * ((p[at]! >> 4) + 1);
      key = `q${p[at]! & 0x0f}`;
    } else {
      size = 17;
      for (let i = 1; i <= 16; i++) size += p[at + i]!;
      key = `h${p[at]! >> 4}${p[at]! & 0x0f}`;
    }
    if (used.has(key)) kept.push(p.subarray(at, at + size));
    at += size;
  }
  return Buffer.concat(kept);
}

/**
 * The payload of a non-APP segment cut to exactly what T.81 defines for it (a frame header to its
 * components, tables to their last whole table, DRI to its 2 bytes), or null for a segment with no
 * known structure (JPGn, reserved markers) or too short for it. Bytes past the defined content
 * decode to nothing, so they are the place to hide text that `strings` shows and exiftool does not.
 */
function exactSegment(marker: number, p: Buffer): Buffer | null {
  let n: number;
  if (isSof(marker) || marker === 0xde) n = p.length >= 6 ? 6 + 3 * p[5]! : -1; // P, Y, X, Nf, Nf × (C, H/V, Tq)
  else if (marker === 0xda) n = p.length >= 1 ? 1 + 2 * p[0]! + 3 : -1; // Ns, Ns × (Cs, Td/Ta), Ss, Se, Ah/Al
  else if (marker === 0xdb) n = dqtLength(p);
  else if (marker === 0xc4) n = dhtLength(p);
  else if (marker === 0xcc) n = dacLength(p);
  else if (marker === 0xdd || marker === 0xdc) n = 2; // Ri; NL
  else if (marker === 0xdf) n = 1; // Eh/Ev
  else return null;
  if (n <= 0 || n > p.length) return null;
  return p.subarray(0, n);
}

/** Profile bytes per APP2 segment: 65535 less the length field (2), the identifier (12), the sequence number and count (2). */
const ICC_CHUNK = 65535 - 2 - ICC_HEADER.length - 2;

/**
 * The ICC profile of APP2 ICC_PROFILE payloads (ICC.1:2010 Annex B.4: identifier, sequence number
 * 1…n, count n, data), in sequence order, or null with the reason when the parts do not make one
 * whole profile (a number missing or given twice, counts that disagree).
 */
function joinIcc(parts: Buffer[]): { icc: Buffer | null; why?: string } {
  const n = parts[0]![ICC_HEADER.length + 1]!;
  const bySeq = new Map<number, Buffer>();
  for (const p of parts) {
    const seq = p[ICC_HEADER.length]!;
    if (p.length < ICC_HEADER.length + 2 || p[ICC_HEADER.length + 1] !== n || seq < 1 || seq > n || bySeq.has(seq)) return { icc: null, why: 'its APP2 segments are numbered inconsistently' };
    bySeq.set(seq, p.subarray(ICC_HEADER.length + 2));
  }
  if (bySeq.size !== n) return { icc: null, why: `${n - bySeq.size} of its ${n} APP2 segments are missing` };
  return { icc: Buffer.concat([...Array(n).keys()].map((i) => bySeq.get(i + 1)!)) };
}

/** APP2 ICC_PROFILE segments carrying `icc` (Annex B.4), numbered from 1. Throws JpegFormatError past 255 segments. */
function iccSegments(icc: Buffer): Buffer[] {
  const n = Math.ceil(icc.length / ICC_CHUNK);
  if (n > 255) throw new JpegFormatError(`an ICC profile of ${icc.length} bytes does not fit 255 APP2 segments`);
  return [...Array(n).keys()].map((i) => segment(0xe2, Buffer.concat([ICC_HEADER, Buffer.from([i + 1, n]), icc.subarray(i * ICC_CHUNK, (i + 1) * ICC_CHUNK)])));
}

/**
 * `jpeg` with its metadata removed, its ICC profile cleaned of text (scrubIcc) and `kept` written
 * anew (minimalExif, minimalXmp). The frame
 * header, tables (DQT, DHT, DRI, DAC) and the entropy-coded data of every scan are copied byte
 * for byte, so the picture is exactly the original's. Throws JpegFormatError naming what is wrong
 * when `jpeg` is not a whole baseline/progressive JPEG (no SOI, a segment past the end, no EOI).
 */
export function stripJpeg(jpeg: Buffer, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new JpegFormatError('not a JPEG (no SOI marker)');
  const removed: Removed = { groups: [], tags: [] };
  const keep: Buffer[] = [];
  let app0: Buffer | null = null;
  const iccParts: Buffer[] = [];
  // where the (rebuilt) ICC profile goes in `keep`: where its first segment was
  let iccAt = -1;
  let p = 2;
  let inScans = false;
  // DQT and DHT segments, placed after the loop with only the tables used: "q<Tq>" of frame
  // components, "h<Tc><Th>" of scan components
  const tables: { at: number; marker: number; payload: Buffer }[] = [];
  const usedTables = new Set<string>();
  const drop = (name: string) => {
    if (!removed.groups.includes(name)) removed.groups.push(name);
  };
  for (;;) {
    if (inScans) {
      // Entropy-coded data: copy up to the next marker that is not stuffing (FF00), a restart (FFD0–D7) or fill (FFFF).
      const start = p;
      while (p + 1 < jpeg.length && !(jpeg[p] === 0xff && jpeg[p + 1] !== 0 && jpeg[p + 1] !== 0xff && (jpeg[p + 1]! < 0xd0 || jpeg[p + 1]! > 0xd7))) p++;
      if (p + 1 >= jpeg.length) throw new JpegFormatError('the image data ends without an EOI marker (file cut short)');
      keep.push(jpeg.subarray(start, p));
    }
    while (p < jpeg.length && jpeg[p] === 0xff && jpeg[p + 1] === 0xff) p++; // fill bytes before a marker
    if (p + 2 > jpeg.length || jpeg[p] !== 0xff) throw new JpegFormatError(`no marker at byte ${p} (file damaged or cut short)`);
    const marker = jpeg[p + 1]!;
    if (marker === 0xd9) {
      keep.push(jpeg.subarray(p, p + 2));
      p += 2;
      break;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      keep.push(jpeg.subarray(p, p + 2));
      p += 2;
      continue;
    }
    if (p + 4 > jpeg.length) throw new JpegFormatError(`segment FF${marker.toString(16)} at byte ${p} is cut short`);
    const len = jpeg.readUInt16BE(p + 2);
    const end = p + 2 + len;
    if (len < 2 || end > jpeg.length) throw new JpegFormatError(`segment FF${marker.toString(16)} at byte ${p} runs past the end of the file`);
    const payload = jpeg.subarray(p + 4, end);
    const whole = jpeg.subarray(p, end);
    if (marker === 0xe0 && !app0 && !inScans) {
      const j = jfifWithoutThumbnail(payload);
      if (j) {
        app0 = segment(0xe0, j.payload);
        if (j.hadThumbnail) drop('JFIF thumbnail');
      } else drop(groupName(marker, payload));
    } else if (marker === 0xe2 && payload.subarray(0, ICC_HEADER.length).equals(ICC_HEADER)) {
      if (iccAt < 0) iccAt = keep.length;
      iccParts.push(payload);
    } else if (marker === 0xee && adobeApp14(payload)) {
      // APP14 Adobe: the colour transform of the scans; only its 12 defined bytes, anything after them dropped
      keep.push(segment(0xee, payload.subarray(0, ADOBE_LENGTH)));
      if (payload.length > ADOBE_LENGTH) drop('APP14 Adobe: bytes after its 12-byte body');
    } else if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      const name = groupName(marker, payload);
      drop(name);
      if (name === 'EXIF') {
        const names = tiffTagNames(payload.subarray(6));
        for (const n of names) if (!removed.tags.includes(n)) removed.tags.push(n);
        if (names.some((n) => n.startsWith('IFD1:'))) drop('EXIF thumbnail (IFD1)');
      }
    } else {
      const exact = exactSegment(marker, payload);
      if (exact === null) drop(`${markerName(marker)} segment (not a known JPEG structure)`);
      else {
        if (exact.length < payload.length) drop(`${markerName(marker)}: bytes after its defined content`);
        if (marker === 0xdb || marker === 0xc4) {
          // placed once the frame and scans tell which tables are used
          tables.push({ at: keep.length, marker, payload: exact });
          keep.push(Buffer.alloc(0));
        } else keep.push(exact.length === payload.length ? whole : segment(marker, exact));
        if (isSof(marker)) for (let c = 0; c < exact[5]!; c++) usedTables.add(`q${exact[8 + 3 * c]!}`);
        if (marker === 0xda) {
          for (let c = 0; c < exact[0]!; c++) usedTables.add(`h0${exact[2 + 2 * c]! >> 4}`).add(`h1${exact[2 + 2 * c]! & 0x0f}`);
        }
      }
      if (marker === 0xda) inScans = true;
    }
    p = end;
  }
  if (p < jpeg.length) drop(`trailer after EOI (${jpeg.length - p} bytes)`);
  // A table no frame component or scan refers to decodes nothing, and its 64 or more bytes can be any text.
  for (const t of tables) {
    const used = usedTablesOf(t.marker, t.payload, usedTables);
    if (used.length < t.payload.length) drop(`${markerName(t.marker)}: tables no frame or scan uses`);
    if (used.length) keep[t.at] = segment(t.marker, used);
  }
  if (iccParts.length) {
    const joined = joinIcc(iccParts);
    const clean = joined.icc ? scrubIcc(joined.icc) : { data: null, groups: [`ICC profile dropped (${joined.why!})`] };
    clean.groups.forEach(drop);
    keep.splice(iccAt, 0, ...(clean.data ? iccSegments(clean.data) : []));
  }
  const added: Buffer[] = [];
  const exif = minimalExif(kept);
  if (exif) added.push(segment(0xe1, Buffer.concat([EXIF_HEADER, exif])));
  const xmp = minimalXmp(kept);
  if (xmp) added.push(segment(0xe1, Buffer.concat([XMP_HEADER, xmp])));
  const data = Buffer.concat([jpeg.subarray(0, 2), ...(app0 ? [app0] : []), ...added, ...keep]);
  return { data, removed };
}

/**
 * The bytes of `jpeg` from its first SOS marker to its EOI: the scans, which a lossless strip must
 * leave byte-identical. Null when there is no SOS.
 */
export function jpegScanData(jpeg: Buffer): Buffer | null {
  let p = 2;
  while (p + 4 <= jpeg.length && jpeg[p] === 0xff) {
    const marker = jpeg[p + 1]!;
    if (marker === 0xda) {
      // In entropy-coded data FF is followed by 00 or a restart marker, so the first FFD9 is the EOI.
      const eoi = jpeg.indexOf(Buffer.from([0xff, 0xd9]), p);
      return eoi > p ? jpeg.subarray(p, eoi + 2) : null;
    }
    p += 2 + jpeg.readUInt16BE(p + 2);
  }
  return null;
}
