// The CLI's plural and degree helpers and the raw-metadata listing of `evidence show`.
import { describe, expect, it } from 'vitest';
import { rawMetadataLines } from '../../electron/cli/commands/show.ts';
import { count, degrees } from '../../electron/cli/commands/text.ts';

describe('count', () => {
  it('is singular for one only, and knows person/people', () => {
    expect([0, 1, 2].map((n) => count(n, 'item'))).toEqual(['0 items', '1 item', '2 items']);
    expect([0, 1, 2].map((n) => count(n, 'person'))).toEqual(['0 people', '1 person', '2 people']);
    expect(count(3, 'sensitive person')).toBe('3 sensitive people');
    expect(count(2, 'case reference')).toBe('2 case references');
    expect(count(2, 'datum', 'data')).toBe('2 data');
  });
});

describe('degrees', () => {
  it('keeps at most 6 decimals and drops trailing zeros', () => {
    expect(degrees(39.94949999999999)).toBe('39.9495');
    expect(degrees(12.488833333333334)).toBe('12.488833');
    expect(degrees(-70.1234565)).toBe('-70.123457'); // toFixed: rounds half away from zero here
    expect(degrees(40)).toBe('40');
    expect(degrees(-0.0000001)).toBe('0');
  });
});

describe('rawMetadataLines', () => {
  it('indents per level, keeps the stored key order, and shortens binary data, long texts and long lists', () => {
    const raw = {
      exifr: {
        ifd0: { Make: 'Canon', Model: 'Canon EOS 5D', Empty: '', Missing: null, Flag: true },
        exif: { ExifVersion: [48, 50, 50, 49], MakerNote: { base64: 'AAEC', length: 3000 }, UserComment: 'x'.repeat(201), Short: 'y'.repeat(200) },
        list: Array.from({ length: 40 }, (_, i) => i),
        names: ['a', 'b"c'],
        nothing: {}, none: [],
      },
      ffprobe: { streams: [{ index: 0, tags: { language: 'und' } }, 7] },
    };
    expect(rawMetadataLines(raw)).toEqual([
      '  exifr:',
      '    ifd0:',
      '      Make: Canon',
      '      Model: Canon EOS 5D',
      '      Empty: ""',
      '      Missing: null',
      '      Flag: true',
      '    exif:',
      '      ExifVersion: [48, 50, 50, 49]',
      '      MakerNote: <3000 bytes of binary data, not shown; show --json has it in full (base64)>',
      `      UserComment: ${'x'.repeat(120)}… (201 characters; show --json has it in full)`,
      `      Short: ${'y'.repeat(200)}`,
      '    list: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, …] (40 values; show --json has it in full)',
      '    names: ["a", "b\\"c"]',
      '    nothing: {}',
      '    none: []',
      '  ffprobe:',
      '    streams:',
      '      [0]:',
      '        index: 0',
      '        tags:',
      '          language: und',
      '      [1]: 7',
    ]);
  });
});
