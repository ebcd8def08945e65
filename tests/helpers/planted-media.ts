// Media planted with a person's name where metadata strippers tend to miss it (issue 13 hostile
// test): an ICC profile whose text tags, header signatures and a private tag name the person, and
// the PNG/WebP chunk builders to put it, and private chunks, into a real picture.
import { inflateSync } from 'node:zlib';
import { iccProfileId, mlucType } from '../../electron/core/redact/icc-clean.ts';
import { pngChunk } from '../../electron/core/redact/png-webp-strip.ts';

/** The planted name. */
export const NAME = 'Aigul Victimova';
/** The planted private-chunk text. */
export const SECRET = `owner=${NAME} GPS 39.98,71.12`;

/** Every place the name could hide in `data`: its bytes as Latin-1, UTF-16 either way, and inflated iCCP data. */
export function named(data: Buffer): string[] {
  const hits: string[] = [];
  for (const part of ['Aigul', 'Victimova']) {
    if (data.includes(Buffer.from(part, 'latin1'))) hits.push(`${part} (ASCII)`);
    if (data.includes(Buffer.from(part, 'utf16le'))) hits.push(`${part} (UTF-16LE)`);
    if (data.includes(Buffer.from(part, 'utf16le').swap16())) hits.push(`${part} (UTF-16BE)`);
  }
  const at = data.indexOf('iCCP');
  if (at > 0) {
    const len = data.readUInt32BE(at - 4);
    const body = data.subarray(at + 4, at + 4 + len);
    const icc = inflateSync(body.subarray(body.indexOf(0) + 2));
    if (icc.includes(Buffer.from('Victimova'))) hits.push('Victimova (inside iCCP)');
  }
  return hits;
}

export const descTag = (ascii: string) => {
  const a = Buffer.from(`${ascii}\0`, 'latin1');
  const u = Buffer.from(`${ascii}\0`, 'utf16le').swap16();
  const b = Buffer.alloc(12 + a.length + 8 + u.length + 3 + 67);
  b.write('desc', 0, 'latin1');
  b.writeUInt32BE(a.length, 8);
  a.copy(b, 12);
  b.writeUInt32BE(u.length / 2, 12 + a.length + 4);
  u.copy(b, 12 + a.length + 8);
  return b;
};
export const mlucTag = mlucType;
export const textTag = (t: string) => Buffer.concat([Buffer.from('text\0\0\0\0', 'latin1'), Buffer.from(`${t}\0`, 'latin1')]);

/**
 * The denali profile with its text tags naming the person: desc (ASCII and UTF-16BE), dmnd as
 * mluc, dmdd, cprt, a private tag of an unknown type, the manufacturer/creator signatures 'AIGV',
 * and an MD5 profile ID, its colour tags (XYZ, curves, chrm) taken as they are.
 */
export function namedProfile(base: Buffer): Buffer {
  const tags: [string, Buffer][] = [];
  const n = base.readUInt32BE(128);
  for (let i = 0; i < n; i++) {
    const e = 132 + 12 * i;
    const sig = base.toString('latin1', e, e + 4);
    const off = base.readUInt32BE(e + 4);
    if (!['desc', 'dmnd', 'dmdd', 'cprt'].includes(sig)) tags.push([sig, base.subarray(off, off + base.readUInt32BE(e + 8))]);
  }
  tags.push(['desc', descTag('AigulVictimova')], ['dmnd', mlucTag('AigulVictimova')], ['dmdd', descTag(NAME)], ['cprt', textTag(`(c) ${NAME}`)],
    ['prvT', Buffer.concat([Buffer.from('zzzz\0\0\0\0', 'latin1'), Buffer.from(SECRET)])]);
  const head = Buffer.from(base.subarray(0, 128));
  head.write('AIGV', 48, 'latin1');
  head.write('AIGV', 80, 'latin1');
  let at = 132 + tags.length * 12;
  const table = Buffer.alloc(4 + tags.length * 12);
  table.writeUInt32BE(tags.length, 0);
  const body: Buffer[] = [];
  tags.forEach(([sig, data], i) => {
    table.write(sig, 4 + i * 12, 'latin1');
    table.writeUInt32BE(at, 8 + i * 12);
    table.writeUInt32BE(data.length, 12 + i * 12);
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    body.push(padded);
    at += padded.length;
  });
  const icc = Buffer.concat([head, table, ...body]);
  icc.writeUInt32BE(icc.length, 0);
  icc.set(iccProfileId(icc), 84);
  return icc;
}

export { pngChunk };
export const riffChunk = (fourcc: string, data: Buffer) => {
  const h = Buffer.alloc(8);
  h.write(fourcc, 0, 'latin1');
  h.writeUInt32LE(data.length, 4);
  return Buffer.concat([h, data, Buffer.alloc(data.length % 2)]);
};
/** The chunks of a WebP: fourcc and data. */
export function webpChunks(w: Buffer): { fourcc: string; data: Buffer }[] {
  const out: { fourcc: string; data: Buffer }[] = [];
  for (let p = 12; p + 8 <= w.length;) {
    const len = w.readUInt32LE(p + 4);
    out.push({ fourcc: w.toString('latin1', p, p + 4), data: w.subarray(p + 8, p + 8 + len) });
    p += 8 + len + (len % 2);
  }
  return out;
}
export const webpOf = (chunks: { fourcc: string; data: Buffer }[]) => {
  const body = Buffer.concat(chunks.map((c) => riffChunk(c.fourcc, c.data)));
  const h = Buffer.alloc(12);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(body.length + 4, 4);
  h.write('WEBP', 8, 'latin1');
  return Buffer.concat([h, body]);
};
