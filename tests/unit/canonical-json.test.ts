import { describe, expect, it, vi } from 'vitest';

// The library, counted: the fast path must give its text without calling it for plain data.
const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('canonicalize', async (importOriginal) => {
  const real = (await importOriginal<{ default: (v: unknown) => string | undefined }>()).default;
  return { default: (v: unknown) => (calls.n++, real(v)) };
});
const { default: library } = await import('canonicalize');
const { canonicalJson } = await import('../../electron/core/custody/canonical-json.ts');

function outcome(f: () => string | undefined): string {
  try {
    return `ok ${f()}`;
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

// A small deterministic PRNG (mulberry32), so a failure can be replayed.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'a', 'b', 'B', 'aa', '', ' ', '__proto__', 'constructor', 'toString', 'é', 'e\u0301', '\u20ac', '\r', '\ufb33', '\u0080', '\u00f6',
  '\ud83d\ude00', '\ud83d', 'x\udc00', 'Make', 'GPSLatitude', 'Приозерное', 'Ак-Сай', '1', '9', '10', '01', '-1', '1.5', '4294967294',
  '4294967295', '59932',
];
const STRINGS = ['', 'text', 'Баткен', '"quoted"\\', '\u0000\u001f\u007f', '\u2028\u2029', '\ud83d\ude00', '\ud800', 'a\udfffb', '2021:05:04 10:15:00'];
const NUMBERS = [0, -0, 1, -1, 0.1, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, Number.MAX_SAFE_INTEGER + 2, 5e-324, 39.96666666666667, 25.4, NaN, Infinity];

function randomValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const k = r();
  if (depth > 3 || k < 0.35) {
    const p = r();
    return p < 0.4 ? pick(STRINGS) : p < 0.8 ? pick(NUMBERS) : p < 0.9 ? r() < 0.5 : null;
  }
  if (k < 0.55) return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) Object.defineProperty(o, pick(KEYS), { value: randomValue(r, depth + 1), enumerable: true, configurable: true, writable: true });
  return o;
}

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units as RFC 8785 §3.2.3 shows', () => {
    const v = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalJson(v)).toBe('{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}');
  });

  it('writes numbers as RFC 8785 §3.2.2.3 requires', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333, 4.5, 2e-3, 0.000001])).toBe('[1e+21,1e-7,0,0.30000000000000004,333333333.3333333,4.5,0.002,0.000001]');
  });

  it('gives the same text as the canonicalize library, or throws where it throws, for 20,000 random values', () => {
    const r = prng(8785);
    for (let i = 0; i < 20_000; i++) {
      const v = randomValue(r, 0);
      expect(outcome(() => canonicalJson(v)), JSON.stringify(v)).toBe(outcome(() => library(v)));
    }
  });

  it('writes plain data (a custody row, raw EXIF) without the library, and hands it what it does not handle', () => {
    const row = {
      seq: 7, at: '2021-05-04T04:15:00.000Z', actor: 'Айгерим', type: 'metadata extraction', item: 'ab'.repeat(32),
      detail: { outcome: 'success', tool: ['exifr'], gps: { lat: 39.96666666666667, lon: 70.8 }, warnings: [], none: null }, prevHash: '0'.repeat(64),
    };
    calls.n = 0;
    expect(canonicalJson(row)).toBe(library(row));
    expect(calls.n).toBe(1); // the comparison's own call only
    calls.n = 0;
    expect(canonicalJson({ exifr: { 59932: [1, 2], Make: 'Canon' } })).toBe('{"exifr":{"59932":[1,2],"Make":"Canon"}}');
    expect(calls.n).toBe(1); // an all-digit key: the library orders it
    calls.n = 0;
    expect(canonicalJson({ when: new Date(0) })).toBe('{"when":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson([1, , 2])).toBe(library([1, , 2]));
    expect(calls.n).toBe(3);
  });

  it('writes objects nested deeper than JSON.stringify writes null-prototype ones', () => {
    // 2,300 levels: JSON.stringify gave up on the sorted copy when its objects had no prototype (~2,200).
    const n = 2300;
    let o: unknown = 1;
    for (let i = 0; i < n; i++) o = { a: o };
    calls.n = 0;
    expect(canonicalJson(o)).toBe(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
    expect(calls.n).toBe(0);
  });

  it('throws as the library does for values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow('NaN is not allowed');
    expect(() => canonicalJson({ a: Infinity })).toThrow('Infinity is not allowed');
    expect(() => canonicalJson({ a: '\ud800' })).toThrow('Lone surrogate is not allowed');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow('Circular reference detected');
  });
});
