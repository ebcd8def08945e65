// The camera serial number on cases the corpus does not hold: exifr's name clash between EXIF
// BodySerialNumber (0xA431) and Photoshop's 0xFDE9, a serial stored as a number, blank values,
// and the order of preference between EXIF, DNG and the two XMP properties.
import { describe, expect, it } from 'vitest';
import { imageSerial, serialText, type ImageTagBlocks } from '../../electron/core/metadata/imageFields.ts';
import { extractMetadata } from '../../electron/core/metadata/index.ts';

type Entry = [tag: number, value: string | number];

/** IFD bytes at `start` (little-endian): ASCII for strings, LONG for numbers; data after the IFD. */
function ifd(entries: Entry[], start: number): Buffer {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const head = Buffer.alloc(2 + sorted.length * 12 + 4);
  head.writeUInt16LE(sorted.length, 0);
  const data: Buffer[] = [];
  let dataAt = start + head.length;
  sorted.forEach(([tag, value], i) => {
    const at = 2 + i * 12;
    head.writeUInt16LE(tag, at);
    if (typeof value === 'number') {
      head.writeUInt16LE(4, at + 2);
      head.writeUInt32LE(1, at + 4);
      head.writeUInt32LE(value, at + 8);
      return;
    }
    const bytes = Buffer.from(`${value}\0`, 'latin1');
    head.writeUInt16LE(2, at + 2);
    head.writeUInt32LE(bytes.length, at + 4);
    if (bytes.length <= 4) bytes.copy(head, at + 8);
    else {
      head.writeUInt32LE(dataAt, at + 8);
      const padded = bytes.length % 2 ? Buffer.concat([bytes, Buffer.alloc(1)]) : bytes;
      data.push(padded);
      dataAt += padded.length;
    }
  });
  return Buffer.concat([head, ...data]);
}

/** A little-endian TIFF: IFD0 entries, plus an Exif IFD (pointer tag 0x8769) when `exif` is given. */
function tiff(ifd0: Entry[], exif?: Entry[]): Buffer {
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  const withPointer = (exifAt: number): Entry[] => (exif ? [...ifd0, [0x8769, exifAt]] : ifd0);
  const ifd0Len = ifd(withPointer(0), 8).length;
  const first = ifd(withPointer(8 + ifd0Len), 8);
  return Buffer.concat([header, first, ...(exif ? [ifd(exif, 8 + ifd0Len)] : [])]);
}

async function serialOf(bytes: Buffer): Promise<{ serial: string | null; serialSource: string | null }> {
  const { fields, error } = await extractMetadata({ path: 'synthetic.tif', bytes }, 'image/tiff', 'image');
  expect(error).toBeNull();
  return { serial: fields.serial, serialSource: fields.serialSource };
}

const xmpPacket = (body: string): string =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta>`;

const blocks = (over: Partial<ImageTagBlocks>): ImageTagBlocks => ({
  ifd0: null, exif: null, gps: null, ifd0ById: null, exifById: null, iptc: null, xmp: null, ...over,
});

describe('serialText', () => {
  it('trims text, keeps numbers as decimal text, and treats blanks and other types as absent', () => {
    expect(serialText('  0K8TFBK0020618 \0\0')).toBe('0K8TFBK0020618');
    expect(serialText('062021002724')).toBe('062021002724');
    expect(serialText(297394)).toBe('297394');
    expect(serialText(12345678901234567890n)).toBe('12345678901234567890');
    for (const blank of ['', '   ', '\0\0', ' \t\n', null, undefined, NaN, [1, 2], { a: 1 }, new Uint8Array([0x41])]) {
      expect(serialText(blank)).toBeNull();
    }
  });
});

describe('camera serial number of a still image', () => {
  it('reads EXIF BodySerialNumber by tag id, not the 0xFDE9 tag exifr gives the same name', async () => {
    const bytes = tiff([[0x010f, 'Canon']], [[0xa431, 'BODY-0001'], [0xfde9, 'PHOTOSHOP-9']]);
    expect(await serialOf(bytes)).toEqual({ serial: 'BODY-0001', serialSource: 'EXIF BodySerialNumber' });
    expect(await serialOf(tiff([[0x010f, 'Canon']], [[0xfde9, 'PHOTOSHOP-9']]))).toEqual({ serial: null, serialSource: null });
  });

  it('prefers EXIF BodySerialNumber to DNG CameraSerialNumber, and falls back past a blank one', async () => {
    expect(await serialOf(tiff([[0xc62f, 'DNG-77']], [[0xa431, 'BODY-1']]))).toEqual({ serial: 'BODY-1', serialSource: 'EXIF BodySerialNumber' });
    expect(await serialOf(tiff([[0xc62f, 'DNG-77']], [[0xa431, '    ']]))).toEqual({ serial: 'DNG-77', serialSource: 'DNG CameraSerialNumber' });
  });

  it('gives a CameraSerialNumber stored as a LONG as decimal text', async () => {
    expect(await serialOf(tiff([[0xc62f, 297394]]))).toEqual({ serial: '297394', serialSource: 'DNG CameraSerialNumber' });
  });

  it('falls back to XMP exifEX:BodySerialNumber, then aux:SerialNumber, in attribute or element form', () => {
    const both = xmpPacket(`<rdf:Description xmlns:exifEX="http://cipa.jp/exif/1.0/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
      exifEX:BodySerialNumber=" 062021002724 " aux:SerialNumber="other"/>`);
    expect(imageSerial(blocks({ xmp: both }))).toEqual({ serial: '062021002724', serialSource: 'XMP exifEX:BodySerialNumber' });
    const auxOnly = xmpPacket('<rdf:Description xmlns:a="http://ns.adobe.com/exif/1.0/aux/"><a:SerialNumber>3206777</a:SerialNumber></rdf:Description>');
    expect(imageSerial(blocks({ xmp: auxOnly }))).toEqual({ serial: '3206777', serialSource: 'XMP aux:SerialNumber' });
    // The EXIF blocks win over XMP copies, which software writes later.
    expect(imageSerial(blocks({ xmp: both, ifd0ById: new Map([[0xc62f, 'DNG-1']]) }))).toEqual({ serial: 'DNG-1', serialSource: 'DNG CameraSerialNumber' });
    expect(imageSerial(blocks({}))).toEqual({ serial: null, serialSource: null });
  });

  it('gives null for a file with none of the four tags', async () => {
    expect(await serialOf(tiff([[0x010f, 'OLYMPUS'], [0x0110, 'E-P3']]))).toEqual({ serial: null, serialSource: null });
  });
});
