// The embedded preview of a HEIF/HEIC photo as an HEVC bitstream a decoder can read. Prebuilt
// sharp has no HEVC decoder, so thumbnails of iPhone photos come from the file's own thumbnail
// item (ISO/IEC 23008-12 §6.4 'thmb' reference) decoded by ffmpeg, or, when there is none, from
// the tiles of its primary 'grid' image (§6.6.2.3), decoded by ffmpeg and stitched by the caller.
import { open } from 'node:fs/promises';
import { boxesIn, type BoxHeader } from '../metadata/bmff.ts';
import { readIpma } from '../metadata/heif.ts';

/** An HEVC preview: Annex B byte stream (start codes), and the item's rotation. */
export interface HeicPreview {
  /** One coded image, or for a grid one coded image per tile, row by row. */
  hevc: Buffer;
  /** irot: degrees anti-clockwise (0, 90, 180, 270), applied by the viewer after decoding. */
  irotDegrees: number;
  /** Which item was taken: the thumbnail item, a single-image primary, or a tiled primary. */
  source: 'thumbnail' | 'primary' | 'grid';
  /** For a grid: tile layout, tile size (ispe) and the output size to crop the mosaic to. */
  grid?: { rows: number; columns: number; tileWidth: number; tileHeight: number; width: number; height: number };
}

interface Extent { offset: number; length: number }
interface Location { method: number; baseOffset: number; extents: Extent[] }

const MAX_META = 16 * 1024 * 1024;
const MAX_ITEM = 32 * 1024 * 1024;

function readUInt(buf: Buffer, pos: number, size: number): number {
  if (size === 0) return 0;
  if (size === 8) return Number(buf.readBigUInt64BE(pos));
  return buf.readUIntBE(pos, size);
}

function parseInfe(buf: Buffer, b: BoxHeader): { id: number; type: string } | null {
  const version = buf[b.payload]!;
  if (version < 2) return null;
  let p = b.payload + 4;
  const id = version === 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
  p += version === 2 ? 2 : 4;
  p += 2; // item_protection_index
  return { id, type: buf.toString('latin1', p, p + 4) };
}

function parseIinf(buf: Buffer, b: BoxHeader): Map<number, string> {
  const version = buf[b.payload]!;
  const start = b.payload + 4 + (version === 0 ? 2 : 4);
  const out = new Map<number, string>();
  for (const c of boxesIn(buf, start, b.end)) {
    if (c.type !== 'infe') continue;
    const e = parseInfe(buf, c);
    if (e) out.set(e.id, e.type);
  }
  return out;
}

function parseIloc(buf: Buffer, b: BoxHeader): Map<number, Location> {
  const version = buf[b.payload]!;
  let p = b.payload + 4;
  const offsetSize = buf[p]! >> 4;
  const lengthSize = buf[p]! & 15;
  const baseOffsetSize = buf[p + 1]! >> 4;
  const indexSize = version >= 1 ? buf[p + 1]! & 15 : 0;
  p += 2;
  const count = version < 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
  p += version < 2 ? 2 : 4;
  const out = new Map<number, Location>();
  for (let i = 0; i < count && p < b.end; i++) {
    const id = version < 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
    p += version < 2 ? 2 : 4;
    let method = 0;
    if (version >= 1) {
      method = buf.readUInt16BE(p) & 15;
      p += 2;
    }
    p += 2; // data_reference_index
    const baseOffset = readUInt(buf, p, baseOffsetSize);
    p += baseOffsetSize;
    const extentCount = buf.readUInt16BE(p);
    p += 2;
    const extents: Extent[] = [];
    for (let j = 0; j < extentCount; j++) {
      p += indexSize;
      const offset = readUInt(buf, p, offsetSize);
      p += offsetSize;
      const length = readUInt(buf, p, lengthSize);
      p += lengthSize;
      extents.push({ offset, length });
    }
    out.set(id, { method, baseOffset, extents });
  }
  return out;
}

/** References of one type: from item id → the item ids referenced (thmb: thumbnail of; dimg: tiles). */
function parseRefs(buf: Buffer, b: BoxHeader, type: 'thmb' | 'dimg'): Map<number, number[]> {
  const version = buf[b.payload]!;
  const idSize = version === 0 ? 2 : 4;
  const out = new Map<number, number[]>();
  for (const r of boxesIn(buf, b.payload + 4, b.end)) {
    if (r.type !== type) continue;
    let p = r.payload;
    const from = readUInt(buf, p, idSize);
    p += idSize;
    const n = buf.readUInt16BE(p);
    p += 2;
    const to: number[] = [];
    for (let i = 0; i < n; i++, p += idSize) to.push(readUInt(buf, p, idSize));
    out.set(from, to);
  }
  return out;
}

interface Props { hvcC?: BoxHeader; irot: number; ispe?: { width: number; height: number } }

function parseProps(buf: Buffer, b: BoxHeader): Map<number, Props> {
  let props: BoxHeader[] = [];
  const assoc = new Map<number, number[]>();
  for (const c of boxesIn(buf, b.payload, b.end)) {
    if (c.type === 'ipco') props = [...boxesIn(buf, c.payload, c.end)];
    if (c.type === 'ipma') readIpma(buf, c.payload, c.end, assoc);
  }
  const out = new Map<number, Props>();
  for (const [item, list] of assoc) {
    const ps: Props = { irot: 0 };
    for (const index of list) {
      const prop = props[index - 1];
      if (prop?.type === 'hvcC') ps.hvcC = prop;
      if (prop?.type === 'irot') ps.irot = (buf[prop.payload]! & 3) * 90;
      if (prop?.type === 'ispe') ps.ispe = { width: buf.readUInt32BE(prop.payload + 4), height: buf.readUInt32BE(prop.payload + 8) };
    }
    out.set(item, ps);
  }
  return out;
}

/** Parameter sets (VPS, SPS, PPS) of an hvcC box as Annex B, and the NAL length field size. */
function hvcCToAnnexB(buf: Buffer, b: BoxHeader): { header: Buffer; lengthSize: number } {
  const lengthSize = (buf[b.payload + 21]! & 3) + 1;
  let p = b.payload + 22;
  const arrays = buf[p++]!;
  const parts: Buffer[] = [];
  for (let i = 0; i < arrays; i++) {
    p += 1; // completeness + NAL unit type
    const n = buf.readUInt16BE(p);
    p += 2;
    for (let j = 0; j < n; j++) {
      const len = buf.readUInt16BE(p);
      p += 2;
      parts.push(START_CODE, buf.subarray(p, p + len));
      p += len;
    }
  }
  return { header: Buffer.concat(parts), lengthSize };
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** Rewrites length-prefixed NAL units (ISO/IEC 14496-15) as Annex B start-code units. */
function lengthPrefixedToAnnexB(data: Buffer, lengthSize: number): Buffer {
  const parts: Buffer[] = [];
  let p = 0;
  while (p + lengthSize <= data.length) {
    const len = data.readUIntBE(p, lengthSize);
    p += lengthSize;
    if (len === 0 || p + len > data.length) break;
    parts.push(START_CODE, data.subarray(p, p + len));
    p += len;
  }
  return Buffer.concat(parts);
}

/**
 * Reads the HEVC preview of the HEIF file at `path`: its thumbnail item when it has one, else
 * its primary item, a single 'hvc1' image or the tiles of a 'grid'; with `primary`, the primary
 * item even when there is a thumbnail (a full-size picture, for a redacted copy). Returns null
 * when the file is not HEIF or its items cannot be read (unknown layout, data by reference);
 * throws only on I/O errors.
 */
export async function readHeicPreview(path: string, opts: { primary?: boolean } = {}): Promise<HeicPreview | null> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    // The meta box sits near the start of every HEIC we have seen; read the top level to find it.
    let pos = 0;
    let meta: Buffer | null = null;
    const head = Buffer.alloc(16);
    while (pos + 8 <= size) {
      await fh.read(head, 0, 16, pos);
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - pos;
      if (boxSize < 8) return null;
      if (type === 'meta') {
        if (boxSize > MAX_META) return null;
        meta = Buffer.alloc(boxSize);
        await fh.read(meta, 0, boxSize, pos);
        break;
      }
      pos += boxSize;
    }
    if (!meta) return null;
    let primary: number | null = null;
    let types = new Map<number, string>();
    let locations = new Map<number, Location>();
    let thumbs = new Map<number, number[]>();
    let tiles = new Map<number, number[]>();
    let props = new Map<number, Props>();
    let idat: BoxHeader | null = null;
    try {
      for (const b of boxesIn(meta, 12, meta.length)) {
        if (b.type === 'pitm') primary = meta[b.payload] === 0 ? meta.readUInt16BE(b.payload + 4) : meta.readUInt32BE(b.payload + 4);
        else if (b.type === 'iinf') types = parseIinf(meta, b);
        else if (b.type === 'iloc') locations = parseIloc(meta, b);
        else if (b.type === 'iref') {
          thumbs = parseRefs(meta, b, 'thmb');
          tiles = parseRefs(meta, b, 'dimg');
        } else if (b.type === 'iprp') props = parseProps(meta, b);
        else if (b.type === 'idat') idat = b;
      }
    } catch {
      return null; // a field ran past the box: malformed meta
    }
    if (primary === null) return null;
    const metaBuf = meta;
    const readItem = async (id: number): Promise<Buffer | null> => {
      const loc = locations.get(id);
      if (!loc || loc.method > 1) return null;
      const total = loc.extents.reduce((s, e) => s + e.length, 0);
      if (total <= 0 || total > MAX_ITEM) return null;
      const chunks: Buffer[] = [];
      for (const e of loc.extents) {
        const b = Buffer.alloc(e.length);
        if (loc.method === 1) {
          if (!idat) return null;
          const from = idat.payload + loc.baseOffset + e.offset;
          metaBuf.copy(b, 0, from, from + e.length);
        } else {
          await fh.read(b, 0, e.length, loc.baseOffset + e.offset);
        }
        chunks.push(b);
      }
      return Buffer.concat(chunks);
    };
    const codedImage = async (id: number): Promise<Buffer | null> => {
      const hvcC = props.get(id)?.hvcC;
      const data = hvcC ? await readItem(id) : null;
      if (!hvcC || !data) return null;
      const { header, lengthSize } = hvcCToAnnexB(metaBuf, hvcC);
      const body = lengthPrefixedToAnnexB(data, lengthSize);
      return body.length ? Buffer.concat([header, body]) : null;
    };
    // The thumbnail carries no irot of its own on iPhones; the primary's rotation applies to both.
    const irot = props.get(primary)?.irot ?? 0;
    for (const [thumb, of] of opts.primary ? [] : thumbs) {
      if (!of.includes(primary) || types.get(thumb) !== 'hvc1') continue;
      const hevc = await codedImage(thumb);
      if (hevc) return { hevc, irotDegrees: props.get(thumb)?.irot || irot, source: 'thumbnail' };
    }
    if (types.get(primary) === 'hvc1') {
      const hevc = await codedImage(primary);
      return hevc ? { hevc, irotDegrees: irot, source: 'primary' } : null;
    }
    if (types.get(primary) !== 'grid') return null;
    const desc = await readItem(primary);
    const ids = tiles.get(primary) ?? [];
    if (!desc || desc.length < 8 || !ids.length) return null;
    const large = (desc[1]! & 1) === 1;
    const rows = desc[2]! + 1;
    const columns = desc[3]! + 1;
    const width = large ? desc.readUInt32BE(4) : desc.readUInt16BE(4);
    const height = large ? desc.readUInt32BE(8) : desc.readUInt16BE(6);
    const tile = props.get(ids[0]!)?.ispe;
    if (!tile || ids.length !== rows * columns) return null;
    const coded: Buffer[] = [];
    for (const id of ids) {
      const c = await codedImage(id);
      if (!c) return null;
      coded.push(c);
    }
    return {
      hevc: Buffer.concat(coded), irotDegrees: irot, source: 'grid',
      grid: { rows, columns, tileWidth: tile.width, tileHeight: tile.height, width, height },
    };
  } finally {
    await fh.close();
  }
}
