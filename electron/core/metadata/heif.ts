// HEIF (ISO/IEC 23008-12) primary-item geometry: the stored size is the primary item's `ispe`
// property, not the EXIF-declared size and not a tile's size.
import { boxesIn, topLevelBoxes } from './bmff.ts';
import type { ByteSource } from './io.ts';

/** Geometry of the primary image item. */
export interface HeifGeometry {
  /** ispe image_width / image_height in pixels, before any irot/imir transform. */
  width: number;
  height: number;
  /** irot angle in degrees anti-clockwise (0, 90, 180, 270), or null when there is no irot. */
  irotDegrees: number | null;
}

const MAX_META_BYTES = 16 * 1024 * 1024;

/**
 * Reads pitm, ipco and ipma from the top-level meta box and returns the geometry of the
 * primary item (ISO/IEC 23008-12 §9.3 ispe, §6.5.10 irot; ipma per §9.3.2).
 * Returns null when there is no meta box, no primary item or no ispe for it.
 * Throws only on I/O errors; malformed boxes yield null.
 */
export async function readHeifGeometry(src: ByteSource): Promise<HeifGeometry | null> {
  const meta = (await topLevelBoxes(src)).find((b) => b.type === 'meta');
  if (!meta || meta.end - meta.start > MAX_META_BYTES) return null;
  const buf = await src.read(meta.start, meta.end - meta.start);
  const base = meta.payload - meta.start + 4; // meta is a FullBox
  let primary: number | null = null;
  let props: { type: string; payload: number; end: number }[] = [];
  const assoc = new Map<number, number[]>();
  try {
    for (const b of boxesIn(buf, base, buf.length)) {
      if (b.type === 'pitm') primary = buf[b.payload] === 0 ? buf.readUInt16BE(b.payload + 4) : buf.readUInt32BE(b.payload + 4);
      if (b.type !== 'iprp') continue;
      for (const c of boxesIn(buf, b.payload, b.end)) {
        if (c.type === 'ipco') props = [...boxesIn(buf, c.payload, c.end)];
        if (c.type === 'ipma') readIpma(buf, c.payload, c.end, assoc);
      }
    }
  } catch {
    return null; // a read past the buffer: the meta box is malformed
  }
  if (primary === null) return null;
  let size: { width: number; height: number } | null = null;
  let irot: number | null = null;
  for (const index of assoc.get(primary) ?? []) {
    const p = props[index - 1]; // ipma indices are 1-based; 0 means "no property"
    if (!p) continue;
    if (p.type === 'ispe' && p.payload + 12 <= p.end) size = { width: buf.readUInt32BE(p.payload + 4), height: buf.readUInt32BE(p.payload + 8) };
    if (p.type === 'irot' && p.payload < p.end) irot = (buf[p.payload]! & 3) * 90;
  }
  return size && size.width > 0 && size.height > 0 ? { ...size, irotDegrees: irot } : null;
}

/**
 * Parses an ItemPropertyAssociation box payload (ISO/IEC 23008-12 §9.3.3, ipma) from `start` to
 * `end` into `out`: item id → 1-based property indices into ipco.
 */
export function readIpma(buf: Buffer, start: number, end: number, out: Map<number, number[]>): void {
  const version = buf[start]!;
  const flags = buf.readUIntBE(start + 1, 3);
  let p = start + 4;
  const count = buf.readUInt32BE(p);
  p += 4;
  for (let i = 0; i < count && p < end; i++) {
    const item = version < 1 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
    p += version < 1 ? 2 : 4;
    const n = buf[p++]!;
    const list: number[] = [];
    for (let j = 0; j < n; j++) {
      // Top bit is "essential"; the rest is the property index (15 or 7 bits, per flags bit 0).
      if (flags & 1) {
        list.push(buf.readUInt16BE(p) & 0x7fff);
        p += 2;
      } else list.push(buf[p++]! & 0x7f);
    }
    out.set(item, list);
  }
}
