// SEI NAL units inside an MP4/MOV's HEVC decoder configuration (hvcC, ISO/IEC 14496-15 §8.3.3).
// ffmpeg's filter_units bitstream filter removes SEI from the packets of a stream copy but leaves
// the stream's extradata as it was, and an encoder or camera may put SEI there too (x265 writes its
// build and settings as user data there; a camera can put its serial or GPS). This module rewrites
// the hvcC box of a file ffmpeg has just remuxed, without the prefix/suffix SEI arrays (NAL unit
// types 39 and 40, ITU-T H.265 Table 7-1). Only a file whose moov box is its last top-level box is
// rewritten (what ffmpeg's mov/mp4 muxer writes without +faststart): shortening the moov then moves
// no sample data, so no chunk offset changes. H.264's avcC holds only parameter sets (no SEI).
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** A file whose boxes cannot be walked (a size past the end, 64-bit sizes inside moov). */
export class Mp4BoxError extends Error {}

/** Boxes whose payload is only child boxes, on the way from moov to a sample entry. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
/** HEVC sample entries (ISO/IEC 14496-15 §8.4.1): a VisualSampleEntry (78 bytes after the box header) then child boxes. */
const HEVC_ENTRIES = new Set(['hvc1', 'hev1']);
const VISUAL_SAMPLE_ENTRY = 78;
const SEI_TYPES = new Set([39, 40]);

function box(type: string, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + payload.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, payload]);
}

/** The boxes of `b` from `start` to its end: type, payload. Throws Mp4BoxError on a size that does not fit. */
function children(b: Buffer, start: number): { type: string; payload: Buffer }[] {
  const out: { type: string; payload: Buffer }[] = [];
  for (let p = start; p < b.length;) {
    if (p + 8 > b.length) throw new Mp4BoxError(`a box header at byte ${p} is cut short`);
    const size = b.readUInt32BE(p);
    if (size < 8 || p + size > b.length) throw new Mp4BoxError(`box ${b.toString('latin1', p + 4, p + 8)} at byte ${p} has size ${size}, which does not fit`);
    out.push({ type: b.toString('latin1', p + 4, p + 8), payload: b.subarray(p + 8, p + size) });
    p += size;
  }
  return out;
}

/**
 * The payload of an HEVCDecoderConfigurationRecord without its SEI arrays, and how many SEI NAL
 * units it held. The 22 bytes before numOfArrays are copied as they are.
 */
export function hvccWithoutSei(c: Buffer): { payload: Buffer; removed: number } {
  if (c.length < 23) throw new Mp4BoxError('hvcC shorter than its 23-byte header');
  const kept: Buffer[] = [];
  let removed = 0;
  let p = 23;
  for (let i = 0; i < c[22]!; i++) {
    if (p + 3 > c.length) throw new Mp4BoxError('hvcC NAL unit array cut short');
    const type = c[p]! & 0x3f;
    const n = c.readUInt16BE(p + 1);
    let q = p + 3;
    for (let j = 0; j < n; j++) {
      if (q + 2 > c.length) throw new Mp4BoxError('hvcC NAL unit cut short');
      q += 2 + c.readUInt16BE(q);
    }
    if (q > c.length) throw new Mp4BoxError('hvcC NAL unit runs past the box');
    if (SEI_TYPES.has(type)) removed += n;
    else kept.push(c.subarray(p, q));
    p = q;
  }
  if (!removed) return { payload: c, removed: 0 };
  // bytes after the last array (none in a well-formed record) are dropped with the SEI
  const head = Buffer.from(c.subarray(0, 23));
  head[22] = kept.length;
  return { payload: Buffer.concat([head, ...kept]), removed };
}

/** `payload` of box `type` with every hvcC below it rewritten by hvccWithoutSei; counts what was removed in `tally`. */
function rewrite(type: string, payload: Buffer, tally: { removed: number }): Buffer {
  if (CONTAINERS.has(type)) return Buffer.concat(children(payload, 0).map((c) => box(c.type, rewrite(c.type, c.payload, tally))));
  if (type === 'stsd') {
    // FullBox (4) and entry_count (4), then the sample entries
    return Buffer.concat([payload.subarray(0, 8), ...children(payload, 8).map((c) => box(c.type, rewrite(c.type, c.payload, tally)))]);
  }
  if (HEVC_ENTRIES.has(type) && payload.length >= VISUAL_SAMPLE_ENTRY) {
    return Buffer.concat([payload.subarray(0, VISUAL_SAMPLE_ENTRY), ...children(payload, VISUAL_SAMPLE_ENTRY).map((c) => box(c.type, rewrite(c.type, c.payload, tally)))]);
  }
  if (type === 'hvcC') {
    const r = hvccWithoutSei(payload);
    tally.removed += r.removed;
    return r.payload;
  }
  return payload;
}

/**
 * Removes the SEI NAL units from every hvcC of the MP4/MOV `file`, in place, as the module comment
 * describes. Returns how many SEI NAL units were removed (0: the file is left untouched). Throws
 * Mp4BoxError when the file's boxes cannot be walked, or when an hvcC holds SEI and the moov is not
 * the last top-level box (the rewrite would move sample data).
 */
export function removeHvccSei(file: string): number {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(16);
    let p = 0;
    let moov: { at: number; size: number } | null = null;
    let last = '';
    while (p + 8 <= size) {
      readSync(fd, head, 0, 16, p);
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - p;
      if (boxSize < 8 || p + boxSize > size) throw new Mp4BoxError(`top-level box ${type} at byte ${p} does not fit the file`);
      if (type === 'moov') moov = { at: p, size: boxSize };
      last = type;
      p += boxSize;
    }
    if (!moov) return 0;
    if (moov.size > 1 << 30) throw new Mp4BoxError('moov box larger than 1 GiB');
    const buf = Buffer.alloc(moov.size);
    readSync(fd, buf, 0, moov.size, moov.at);
    if (buf.readUInt32BE(0) === 1) throw new Mp4BoxError('moov box with a 64-bit size');
    const tally = { removed: 0 };
    const out = box('moov', rewrite('moov', buf.subarray(8), tally));
    if (!tally.removed) return 0;
    if (last !== 'moov') throw new Mp4BoxError('the HEVC decoder configuration holds SEI, and the moov box is not at the end of the file');
    writeSync(fd, out, 0, out.length, moov.at);
    ftruncateSync(fd, moov.at + out.length);
    return tally.removed;
  } finally {
    closeSync(fd);
  }
}
