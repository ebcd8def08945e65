// Sealed derivatives (derivatives/sealed.ts): AES-256-GCM with the magic as associated data.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, openSealed, sealBytes } from '../../electron/core/derivatives/sealed.ts';

describe('sealed derivatives', () => {
  const key = randomBytes(32);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('Айгерим on a poster', 'utf8')]);

  it('round-trips, hides the content, and never repeats a nonce', () => {
    const a = sealBytes(key, jpeg);
    const b = sealBytes(key, jpeg);
    expect(isSealed(a)).toBe(true);
    expect(isSealed(jpeg)).toBe(false);
    expect(a.includes(Buffer.from('Айгерим', 'utf8'))).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(8 + 12 + jpeg.length + 16);
    expect(openSealed(key, a)).toEqual(jpeg);
  });

  it('refuses another key and any altered byte, naming the file', () => {
    const s = sealBytes(key, jpeg);
    expect(() => openSealed(randomBytes(32), s, 'thumbs/ab.jpg')).toThrow('thumbs/ab.jpg: sealed under another key, or altered');
    for (const at of [8, 20, s.length - 1]) {
      const bad = Buffer.from(s);
      bad[at]! ^= 1;
      expect(() => openSealed(key, bad)).toThrow(/altered/u);
    }
    expect(() => openSealed(key, jpeg, 'x.jpg')).toThrow('x.jpg: not a sealed derivative');
  });
});
