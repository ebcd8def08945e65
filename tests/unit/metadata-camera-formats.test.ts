// Byte-level readers of issue 14 §4 on built inputs: AVCHD MDPM (the layout of ExifTool's
// H264.pm), the GoPro GPMF GPS clock, and the truncation checks. The real files are in
// tests/integration/metadata-camera.test.ts.
import { describe, expect, it } from 'vitest';
import { findMdpmInAnnexB, parseMdpm, readAvchdMdpm } from '../../electron/core/metadata/avchd.ts';
import { gpmfGpsClock, judgeCameraClock } from '../../electron/core/metadata/gopro.ts';
import type { ByteSource } from '../../electron/core/metadata/io.ts';
import { truncationReason } from '../../electron/core/metadata/truncation.ts';

const memory = (bytes: Buffer): ByteSource => ({
  size: bytes.length,
  async read(position, length) {
    return bytes.subarray(Math.max(0, position), Math.min(bytes.length, position + Math.max(0, length)));
  },
});

const entry = (tag: number, ...data: number[]): number[] => [tag, ...data];
/** MDPM payload: count, then 5-byte entries. */
const mdpm = (...entries: number[][]): Buffer => Buffer.from([entries.length, ...entries.flat()]);

describe('AVCHD MDPM (ExifTool H264.pm layout)', () => {
  it('decodes the date with a west, half-hour offset and the DST flag, and a Sony model', () => {
    // tz byte 0x20 (west) | 3 << 1 (3 h) | 0x01 (half hour) | 0x40 (DST) = 0x67 → -03:30 DST.
    const info = parseMdpm(mdpm(
      entry(0x18, 0x67, 0x20, 0x14, 0x07), entry(0x19, 0x04, 0x09, 0x05, 0x59),
      entry(0xe0, 0x01, 0x08, 0x00, 0x00), entry(0xe4, 0x48, 0x44, 0x52, 0x2d), entry(0xe5, 0x43, 0x58, 0x35, 0x35), entry(0xe6, 0x30, 0x00, 0x00, 0x00),
    ));
    expect(info).toMatchObject({ dateTime: { value: '2014-07-04T09:05:59-03:30', hasZone: true }, dst: true, makeCode: 0x0108, make: 'Sony', model: 'HDR-CX550' });
  });

  it('decodes GPS (rational32u = 16-bit numerator / denominator) with S/W refs and altitude', () => {
    const info = parseMdpm(mdpm(
      entry(0xb1, 0x53, 0, 0, 0), entry(0xb2, 0, 33, 0, 1), entry(0xb3, 0, 51, 0, 1), entry(0xb4, 0x0b, 0xb8, 0, 100),
      entry(0xb5, 0x57, 0, 0, 0), entry(0xb6, 0, 70, 0, 1), entry(0xb7, 0, 30, 0, 1), entry(0xb8, 0, 0, 0, 1),
      entry(0xb9, 0, 0, 0, 0), entry(0xba, 0x04, 0xd2, 0, 10),
    ));
    expect(info?.gps?.lat).toBeCloseTo(-(33 + 51 / 60 + 30 / 3600), 9);
    expect(info?.gps?.lon).toBeCloseTo(-70.5, 9);
    expect(info?.gps?.alt).toBeCloseTo(123.4, 9);
  });

  it('keeps an unknown maker code out of make, rejects non-BCD dates, and stops at tags out of order', () => {
    const info = parseMdpm(mdpm(entry(0x18, 0x02, 0x20, 0x0a, 0x01), entry(0x19, 0x01, 0x00, 0x00, 0x00), entry(0xe0, 0x77, 0x77, 0, 0)));
    expect(info).toMatchObject({ dateTime: null, makeCode: 0x7777, make: null });
    expect(parseMdpm(mdpm(entry(0xe0, 0x10, 0x11, 0, 0), entry(0x18, 0x02, 0x20, 0x08, 0x12)))?.make).toBe('Canon');
    expect(parseMdpm(mdpm(entry(0xe0, 0x10, 0x11, 0, 0), entry(0x18, 0x02, 0x20, 0x08, 0x12)))?.dateTime).toBeNull();
  });

  it('finds MDPM in an SEI NAL unit after removing emulation prevention bytes', () => {
    const uuid = Buffer.from('17ee8c60f84d11d98cd60800200c9a66', 'hex');
    // 0x19 entry 00 00 00 00 needs emulation prevention when followed by a byte ≤ 3.
    const payload = Buffer.concat([uuid, Buffer.from('MDPM'), mdpm(entry(0x18, 0x02, 0x20, 0x08, 0x12), entry(0x19, 0x31, 0x00, 0x00, 0x00), entry(0xe0, 0x10, 0x11, 0x30, 0x00))]);
    const sei = Buffer.concat([Buffer.from([0x05, payload.length]), payload, Buffer.from([0x80])]);
    const escaped: number[] = [];
    let zeros = 0;
    for (const b of sei) {
      if (zeros >= 2 && b <= 3) {
        escaped.push(3);
        zeros = 0;
      }
      escaped.push(b);
      zeros = b === 0 ? zeros + 1 : 0;
    }
    expect(escaped.length).toBeGreaterThan(sei.length); // the stream really needed escaping
    const es = Buffer.concat([Buffer.from([0, 0, 0, 1, 0x09, 0x10]), Buffer.from([0, 0, 0, 1, 0x06]), Buffer.from(escaped), Buffer.from([0, 0, 1, 0x25, 0x88])]);
    const found = findMdpmInAnnexB(es);
    expect(found).not.toBeNull();
    expect(parseMdpm(found!)?.dateTime?.value).toBe('2008-12-31T00:00:00+01:00');
  });

  it('is not fooled by a file that is not a transport stream', async () => {
    expect(await readAvchdMdpm(memory(Buffer.alloc(4000, 0x11)))).toBeNull();
  });
});

/** GPMF KLV: key, type, struct size, repeat, payload padded to 4 bytes. */
function klv(key: string, type: string | number, size: number, repeat: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.write(key, 0, 'latin1');
  h[4] = typeof type === 'number' ? type : type.charCodeAt(0);
  h[5] = size;
  h.writeUInt16BE(repeat, 6);
  const pad = Buffer.alloc((4 - (data.length % 4)) % 4);
  return Buffer.concat([h, data, pad]);
}

describe('GoPro GPS clock (GPMF GPSU/GPSF)', () => {
  const gpsf = (fix: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(fix); return klv('GPSF', 'L', 4, 1, b); };
  const sample = (fix: number): Buffer => {
    const inner = Buffer.concat([klv('GPSU', 'U', 16, 1, Buffer.from('191118234514.000', 'latin1')), gpsf(fix)]);
    const strm = klv('STRM', 0, 1, inner.length, inner);
    return klv('DEVC', 0, 1, strm.length, strm);
  };

  it('reads GPSU and the fix from nested DEVC/STRM', () => {
    expect(gpmfGpsClock(sample(3))).toEqual({ utc: '2019-11-18T23:45:14.000Z', fix: 3 });
    expect(gpmfGpsClock(Buffer.from('not gpmf at all!'))).toBeNull();
  });

  it('judges the camera clock: UTC within minutes, local at a quarter-hour offset, else unknown', () => {
    const gps = { utc: '2019-11-18T23:45:14.000Z', fix: 3 };
    expect(judgeCameraClock('2019-11-18T23:45:32Z', gps).kind).toBe('utc');
    expect(judgeCameraClock('2019-11-18T15:45:32Z', gps)).toMatchObject({ kind: 'local', offset: '-08:00' });
    expect(judgeCameraClock('2019-11-19T05:15:20Z', gps)).toMatchObject({ kind: 'local', offset: '+05:30' });
    expect(judgeCameraClock('2019-11-18T23:05:14Z', gps).kind).toBe('unknown');
    expect(judgeCameraClock('2019-11-25T23:45:14Z', gps).kind).toBe('unknown');
  });
});

describe('truncation checks', () => {
  const png = (chunks: [string, Buffer][]): Buffer => Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    ...chunks.map(([type, data]) => { const h = Buffer.alloc(8); h.writeUInt32BE(data.length); h.write(type, 4, 'latin1'); return Buffer.concat([h, data, Buffer.alloc(4)]); }),
  ]);
  const box = (type: string, size: number, body = size - 8): Buffer => { const h = Buffer.alloc(8); h.writeUInt32BE(size); h.write(type, 4, 'latin1'); return Buffer.concat([h, Buffer.alloc(body)]); };

  it('PNG: whole is fine, a cut chunk or a missing IEND is not', async () => {
    const whole = png([['IHDR', Buffer.alloc(13)], ['IDAT', Buffer.alloc(100)], ['IEND', Buffer.alloc(0)]]);
    expect(await truncationReason(memory(whole))).toBeNull();
    expect(await truncationReason(memory(whole.subarray(0, 60)))).toMatch(/^the PNG ends inside its IDAT chunk \(\d+ bytes missing\)$/);
    expect(await truncationReason(memory(whole.subarray(0, whole.length - 12)))).toBe('the PNG ends before its IEND chunk');
  });

  it('ISO-BMFF: moov after mdat is fine; without moov, or a box past the end, is not; HEIF has meta instead', async () => {
    const mp4 = Buffer.concat([box('ftyp', 16), box('mdat', 1000), box('moov', 100)]);
    expect(await truncationReason(memory(mp4))).toBeNull();
    expect(await truncationReason(memory(mp4.subarray(0, 1016)))).toMatch(/no 'moov' box/);
    expect(await truncationReason(memory(mp4.subarray(0, 1050)))).toBe("its 'moov' box runs past the end of the file (66 bytes missing)");
    expect(await truncationReason(memory(Buffer.concat([box('ftyp', 16), box('meta', 100), box('mdat', 100)])))).toBeNull();
  });

  it('MPEG-TS: a file cut inside a packet', async () => {
    const pkt = (n: number, size: 188 | 192) => Buffer.concat(Array.from({ length: n }, () => { const p = Buffer.alloc(size, 0xff); p[size - 188] = 0x47; return p; }));
    expect(await truncationReason(memory(pkt(4, 192)))).toBeNull();
    expect(await truncationReason(memory(pkt(4, 192).subarray(0, 700)))).toBe('the transport stream ends inside a 192-byte packet (68 bytes missing)');
    expect(await truncationReason(memory(pkt(4, 188).subarray(0, 700)))).toBe('the transport stream ends inside a 188-byte packet (52 bytes missing)');
  });

  it('TIFF: strips inside the file are fine, strips or IFD0 past the end are not', async () => {
    // Little-endian TIFF: header, IFD0 at 8 with StripOffsets(273)=100, StripByteCounts(279)=50.
    const tiff = (stripBytes: number, size: number): Buffer => {
      const b = Buffer.alloc(size);
      b.write('II', 0, 'latin1'); b.writeUInt16LE(42, 2); b.writeUInt32LE(8, 4); b.writeUInt16LE(2, 8);
      [[273, 100], [279, stripBytes]].forEach(([tag, v], i) => { const o = 10 + i * 12; b.writeUInt16LE(tag!, o); b.writeUInt16LE(4, o + 2); b.writeUInt32LE(1, o + 4); b.writeUInt32LE(v!, o + 8); });
      return b;
    };
    expect(await truncationReason(memory(tiff(50, 150)))).toBeNull();
    expect(await truncationReason(memory(tiff(80, 150)))).toBe('the image data (strips) of its IFD0 runs past the end of the file (30 bytes missing)');
    expect(await truncationReason(memory(tiff(50, 150).subarray(0, 20)))).toBe('the TIFF ends inside its IFD0');
  });

  it('JPEG: EOI after the scan (with a trailer after it) is fine', async () => {
    const seg = (m: number, len: number) => Buffer.concat([Buffer.from([0xff, m]), Buffer.from([len >> 8, len & 0xff]), Buffer.alloc(len - 2)]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), seg(0xe1, 300), seg(0xc0, 17), seg(0xda, 12), Buffer.from([1, 2, 0xff, 0x00, 3]), Buffer.from([0xff, 0xd9]), Buffer.from('trailer')]);
    expect(await truncationReason(memory(jpeg))).toBeNull();
    expect(await truncationReason(memory(jpeg.subarray(0, 100)))).toBe('the JPEG ends inside its APP1 (EXIF/XMP) segment (204 bytes missing)');
    expect(await truncationReason(memory(jpeg.subarray(0, jpeg.length - 9)))).toMatch(/no end-of-image marker/);
  });

  it('JPEG: reads only the end of a whole file, and a trailer only as far back as its last EOI', async () => {
    const seg = (m: number, len: number) => Buffer.concat([Buffer.from([0xff, m]), Buffer.from([len >> 8, len & 0xff]), Buffer.alloc(len - 2)]);
    const image = (scan: number) => Buffer.concat([Buffer.from([0xff, 0xd8]), seg(0xe1, 300), seg(0xc0, 17), seg(0xda, 12), Buffer.alloc(scan, 0x5a), Buffer.from([0xff, 0xd9])]);
    const counted = (bytes: Buffer) => {
      const src = memory(bytes);
      const seen = { bytes: 0 };
      return { seen, src: { size: src.size, read: async (p: number, l: number) => { const b = await src.read(p, l); seen.bytes += b.length; return b; } } };
    };
    const primary = image(4 * 1024 * 1024);
    // MPF (CIPA DC-007): a secondary image after the primary's EOI, the file ending with its EOI.
    const mpf = counted(Buffer.concat([primary, image(1000)]));
    expect(await truncationReason(mpf.src)).toBeNull();
    expect(mpf.seen.bytes).toBeLessThan(2000);
    // A maker trailer with no FFD9 in it (Samsung-style, ending "SEFT"): read back to the primary's EOI, no further.
    const trailer = Buffer.concat([Buffer.alloc(200 * 1024, 0x11), Buffer.from('\x10\0\0\0SEFT', 'latin1')]);
    const sef = counted(Buffer.concat([primary, trailer]));
    expect(await truncationReason(sef.src)).toBeNull();
    expect(sef.seen.bytes).toBeLessThan(trailer.length + 300 * 1024);
    // Cut inside the trailer: the primary image is whole, as before; cut inside the primary's scan: not.
    expect(await truncationReason(memory(Buffer.concat([primary, image(1000)]).subarray(0, primary.length + 500)))).toBeNull();
    expect(await truncationReason(memory(primary.subarray(0, primary.length - 1)))).toMatch(/no end-of-image marker/);
  });
});
