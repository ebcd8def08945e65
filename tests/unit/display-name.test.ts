// The display form of a path (ingest/filename.ts displayName) must be injective: two different
// byte names never show the same text, neither in --json nor, through printable, on a terminal
// (issue 11: the byte 0xFF and the literal text "\xFF" printed alike and one file was dropped).
// Property-style: many random hostile names from a seeded generator, so a failure reproduces.
import { describe, expect, it } from 'vitest';
import { bytesField, displayName, hasPlainDisplay, legacyDisplayName, legacyPathBytes, legacyReadings, parseDisplayName } from '../../electron/core/ingest/filename.ts';
import { printable } from '../../electron/cli/commands/text.ts';

/** xorshift32: a small seeded generator, so a failing name can be reproduced from the seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

// Pieces a hostile name is made of: escape-looking text, backslashes, raw bytes outside UTF-8,
// truncated and overlong UTF-8, control characters (ESC, CR, C1 as UTF-8), bidi controls,
// combining marks (NFD), Cyrillic, and plain letters and hex digits.
const PIECES: Buffer[] = [
  '\\', '\\\\', 'x', 'X', 'u', 'F', 'f', '0', '9', 'A', '\\x', '\\xFF', '\\xff', '\\u001b', '\\\\x41', 'name_', '.txt', '/',
  '\u001b', '\r', '\n', '\t', '\u007f', '\u0085', '\u009b', '\u202e', '\u2028', '\u0439', '\u0438\u0306', '\uFFFD', 'é', 'е\u0301', '😀',
].map((s) => Buffer.from(s, 'utf8')).concat([
  Buffer.from([0xff]), Buffer.from([0xfe]), Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]),
  Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xcf, 0xf0, 0xe8]), Buffer.from([0x5c]),
]);

function hostileName(next: () => number): Buffer {
  const parts: Buffer[] = [];
  const n = 1 + Math.floor(next() * 6);
  for (let i = 0; i < n; i++) {
    if (next() < 0.2) parts.push(Buffer.from([Math.floor(next() * 256)])); // any byte at all
    else parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
  }
  return Buffer.concat(parts);
}

describe('displayName', () => {
  it('shows the issue\'s two names differently: the byte 0xFF as \\xFF, the literal text with its backslash escaped', () => {
    const raw = Buffer.concat([Buffer.from('name_'), Buffer.from([0xff]), Buffer.from('.txt')]);
    const literal = Buffer.from('name_\\xFF.txt');
    expect(displayName(raw)).toBe('name_\\xFF.txt');
    expect(displayName(literal)).toBe('name_\\\\xFF.txt');
    // What older versions showed for both, which is why one was dropped.
    expect(legacyDisplayName(raw)).toBe(legacyDisplayName(literal));
  });

  it('shows UTF-8 names without a backslash as they are, NFC and NFD as two texts', () => {
    for (const s of ['IMG_0001.JPG', 'Көк-Таш үй.jpg', '\u0439.txt', '\u0438\u0306.txt', 'a\u001bb']) {
      expect(displayName(Buffer.from(s))).toBe(s);
      expect(hasPlainDisplay(Buffer.from(s))).toBe(true);
      expect(bytesField(Buffer.from(s))).toBeUndefined();
    }
    expect(displayName(Buffer.from('\u0439'))).not.toBe(displayName(Buffer.from('\u0438\u0306')));
    expect(displayName(Buffer.from([0xcf, 0xf0, 0xe8, 0x2e, 0x6a, 0x70, 0x67]))).toBe('\\xCF\\xF0\\xE8.jpg');
    expect(bytesField(Buffer.from('a\\b'))).toBe(Buffer.from('a\\b').toString('base64'));
  });

  it('is injective over 30,000 random hostile names, and parseDisplayName inverts it', () => {
    const next = rng(0x11_2025);
    const shown = new Map<string, string>(); // display -> bytes (hex)
    const onTerminal = new Map<string, string>(); // printable(display) -> bytes (hex)
    const names = [Buffer.alloc(0), ...Array.from({ length: 30_000 }, () => hostileName(next))];
    for (const b of names) {
      const hex = b.toString('hex');
      const d = displayName(b);
      expect(parseDisplayName(d).toString('hex'), `round trip of ${hex}`).toBe(hex);
      const prior = shown.get(d);
      if (prior !== undefined && prior !== hex) expect.fail(`${prior} and ${hex} both display as ${JSON.stringify(d)}`);
      shown.set(d, hex);
      const t = printable(d);
      const priorT = onTerminal.get(t);
      if (priorT !== undefined && priorT !== hex) expect.fail(`${priorT} and ${hex} both print as ${JSON.stringify(t)}`);
      onTerminal.set(t, hex);
      // Every backslash in a display form begins an escape; no text a terminal would act on survives printable.
      expect(d.replace(/\\\\|\\x[0-9A-F]{2}/gu, '')).not.toContain('\\');
      expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/u);
      // The display form is well-formed Unicode (no lone surrogate) and so survives JSON and SQLite as it is.
      expect(d.isWellFormed()).toBe(true);
    }
    expect(shown.size).toBeGreaterThan(20_000);
  });

  it('parseDisplayName refuses a backslash that begins no escape', () => {
    expect(() => parseDisplayName('a\\b')).toThrow(/begins no escape/);
    expect(() => parseDisplayName('a\\')).toThrow(/begins no escape/);
    expect(parseDisplayName('a\\\\b\\xff')).toEqual(Buffer.from([0x61, 0x5c, 0x62, 0xff]));
  });
});

describe('the text older versions recorded', () => {
  it('legacyReadings gives both names a text may stand for, and legacyPathBytes only an unambiguous one', () => {
    const raw = Buffer.concat([Buffer.from('/c/name_'), Buffer.from([0xff]), Buffer.from('.txt')]);
    const text = legacyDisplayName(raw);
    expect(legacyReadings(text).map((b) => b.toString('hex')).sort()).toEqual([raw.toString('hex'), Buffer.from('/c/name_\\xFF.txt').toString('hex')].sort());
    expect(legacyPathBytes(text)).toBeNull();
    // Read as bytes, "\x41" would be "A", which the old form showed as itself: the text is the name.
    expect(legacyPathBytes('/c/\\x41.txt')).toEqual(Buffer.from('/c/\\x41.txt'));
    // "\xC3\xA9" as bytes is "é" (shown as itself), but the byte 0xC3 before the literal text "\xA9", and the
    // literal text "\xC3" before the byte 0xA9, read so too.
    expect(legacyReadings('/c/\\xC3\\xA9.txt').map((b) => b.toString('latin1'))).toEqual(['/c/\\xC3\\xA9.txt', '/c/\xC3\\xA9.txt', '/c/\\xC3\xA9.txt']);
    expect(legacyPathBytes('/c/a\\b.txt')).toEqual(Buffer.from('/c/a\\b.txt'));
    expect(legacyPathBytes('/c/Көк.jpg')).toEqual(Buffer.from('/c/Көк.jpg'));
  });

  it('every random name is among the readings of its old text', () => {
    const next = rng(7);
    for (let i = 0; i < 5_000; i++) {
      const b = hostileName(next);
      expect(legacyReadings(legacyDisplayName(b)).some((r) => r.equals(b))).toBe(true);
    }
  });
});

describe('NFC and NFD spellings on a terminal (issue 11: two names never show the same text)', () => {
  it('prints a decomposed letter with its combining mark escaped, the composed one as it is', () => {
    const nfc = 'Кй.txt';
    const nfd = 'Ки\u0306.txt';
    expect(nfc).not.toBe(nfd);
    expect(nfd.normalize('NFC')).toBe(nfc);
    expect(printable(nfc)).toBe('Кй.txt');
    expect(printable(nfd)).toBe('Ки\\u0306.txt');
    // Text already composed, and marks that compose with nothing, are left alone.
    expect(printable('naïve café Көк-Таш')).toBe('naïve café Көк-Таш');
    expect(printable('क्षि')).toBe('क्षि');
  });
  it('escapes invisible format characters that could make two names print alike, and keeps ZWNJ', () => {
    expect(printable('می\u200cخواهم')).toBe('می\u200cخواهم');
    expect(printable('a\u200bb\u00adc\ufeffd\u2060e\u061cf')).toBe('a\\u200bb\\u00adc\\ufeffd\\u2060e\\u061cf');
  });
});
