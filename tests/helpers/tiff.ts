// A minimal TIFF writer for tests: IFD chains, SubIFDs (tag 330) and one data block per IFD,
// laid out as TIFF 6.0 §2 says (header, then IFDs, then data, word-aligned). It writes the
// structures camera RAW files use around real image bytes (DNG 1.6 §3, TIFF/EP), so a test can
// put a real JPEG where a camera puts its preview; it is not a general encoder.

/** One IFD to write. */
export interface TiffIfd {
  /**
   * tag → value(s). Written as SHORT for the tags in SHORT_TAGS, BYTE for BYTE_TAGS, ASCII for
   * strings, else LONG.
   */
  tags: Record<number, number | number[] | string>;
  /** Image data stored after the IFDs; its offset and length go in `dataTags`. */
  data?: Buffer;
  /** Offset and length tags of `data`: default StripOffsets (273) / StripByteCounts (279). */
  dataTags?: [number, number];
  /** Child IFDs, listed in this IFD's SubIFDs tag (330). */
  subIfds?: TiffIfd[];
}

const SHORT_TAGS = new Set([258, 259, 262, 274, 277, 284, 33421]);
const BYTE_TAGS = new Set([33422, 50706]);
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4 };

interface Entry { tag: number; type: number; values: number[] }
interface Node { ifd: TiffIfd; subs: Node[]; entries: Entry[]; size: number; at: number; dataAt: number }

const even = (n: number): number => n + (n & 1);
const entryBytes = (e: Entry): number => TYPE_SIZE[e.type]! * e.values.length;

function node(ifd: TiffIfd): Node {
  const entries: Entry[] = [];
  for (const [k, v] of Object.entries(ifd.tags)) {
    const tag = Number(k);
    if (typeof v === 'string') entries.push({ tag, type: 2, values: [...Buffer.from(`${v}\0`, 'latin1')] });
    else entries.push({ tag, type: SHORT_TAGS.has(tag) ? 3 : BYTE_TAGS.has(tag) ? 1 : 4, values: Array.isArray(v) ? v : [v] });
  }
  const [offTag, lenTag] = ifd.dataTags ?? [273, 279];
  if (ifd.data) entries.push({ tag: offTag, type: 4, values: [0] }, { tag: lenTag, type: 4, values: [ifd.data.length] });
  const subs = (ifd.subIfds ?? []).map(node);
  if (subs.length) entries.push({ tag: 330, type: 4, values: subs.map(() => 0) });
  entries.sort((a, b) => a.tag - b.tag);
  const size = 2 + entries.length * 12 + 4 + entries.reduce((s, e) => s + (entryBytes(e) > 4 ? even(entryBytes(e)) : 0), 0);
  return { ifd, subs, entries, size, at: 0, dataAt: 0 };
}

/**
 * A TIFF file holding `chain` as IFD0, IFD1, … (each one's SubIFDs after it), in byte order
 * `order`. Offsets and counts of data and SubIFDs are filled in; everything else is written as
 * given, unchecked.
 */
export function buildTiff(chain: TiffIfd[], order: 'II' | 'MM' = 'II'): Buffer {
  const le = order === 'II';
  const top = chain.map(node);
  const all: Node[] = [];
  const walk = (n: Node) => {
    all.push(n);
    n.subs.forEach(walk);
  };
  top.forEach(walk);
  let pos = 8;
  for (const n of all) {
    n.at = pos;
    pos += n.size;
  }
  for (const n of all) {
    if (!n.ifd.data) continue;
    n.dataAt = pos;
    pos += even(n.ifd.data.length);
  }
  const out = Buffer.alloc(pos);
  const u16 = (v: number, at: number) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (le ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  const put = (type: number, v: number, at: number) => (type === 3 ? u16(v, at) : type === 4 ? u32(v, at) : out.writeUInt8(v & 0xff, at));
  out.write(order, 0, 'latin1');
  u16(42, 2);
  u32(top[0]!.at, 4);
  for (const n of all) {
    const [offTag] = n.ifd.dataTags ?? [273, 279];
    const next = top.indexOf(n) >= 0 ? (top[top.indexOf(n) + 1]?.at ?? 0) : 0;
    u16(n.entries.length, n.at);
    let extra = n.at + 2 + n.entries.length * 12 + 4;
    n.entries.forEach((e, i) => {
      if (e.tag === offTag && n.ifd.data) e.values = [n.dataAt];
      if (e.tag === 330) e.values = n.subs.map((s) => s.at);
      const at = n.at + 2 + i * 12;
      u16(e.tag, at);
      u16(e.type, at + 2);
      u32(e.values.length, at + 4);
      const width = TYPE_SIZE[e.type]!;
      let valueAt = at + 8;
      if (entryBytes(e) > 4) {
        u32(extra, at + 8);
        valueAt = extra;
        extra += even(entryBytes(e));
      }
      e.values.forEach((v, j) => put(e.type, v, valueAt + j * width));
    });
    u32(next, n.at + 2 + n.entries.length * 12);
    if (n.ifd.data) n.ifd.data.copy(out, n.dataAt);
  }
  return out;
}
