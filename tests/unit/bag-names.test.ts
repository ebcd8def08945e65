import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { payloadPaths } from '../../electron/core/export/names.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const one = (name: string, dir?: string) => payloadPaths([{ name, sha256: sha(name), ...(dir === undefined ? {} : { dir }) }])[0];

describe('payloadPaths: names kept', () => {
  it('keeps ordinary and Cyrillic names as they are', () => {
    expect(one('IMG_0001.JPG')).toBe('IMG_0001.JPG');
    expect(one('Көк-Таш үй.jpg')).toBe('Көк-Таш үй.jpg');
    expect(one('Apple  voice memo.m4a')).toBe('Apple  voice memo.m4a');
    expect(one('Sony DSC-HX5V (2).jpg')).toBe('Sony DSC-HX5V (2).jpg');
  });

  it('normalizes to NFC', () => {
    const nfd = 'Ко\u0308к.jpg'.normalize('NFD'); // "ö" as o + combining diaeresis
    const out = one('Cafe\u0301 ' + nfd);
    expect(out).toBe(('Café Ко\u0308к.jpg').normalize('NFC'));
    expect(out?.normalize('NFC')).toBe(out);
    // "й" decomposed (и + breve) must come back as the single letter
    expect(one('Бишкек-и\u0306.jpg')).toBe('Бишкек-й.jpg');
  });
});

describe('payloadPaths: illegal characters', () => {
  it('replaces characters reserved on Windows and macOS', () => {
    expect(one('a<b>c:d"e|f?g*h.jpg')).toBe('a_b_c_d_e_f_g_h.jpg');
  });

  it('neutralises path separators so a name never becomes a path', () => {
    expect(one('../../etc/passwd')).toBe('_._.._etc_passwd');
    expect(one('C:\\Users\\x\\IMG.jpg')).toBe('C__Users_x_IMG.jpg');
    expect(one('a/b.jpg')).not.toContain('/');
  });

  it('replaces control characters, CR/LF and Unicode line separators', () => {
    expect(one('a\nb\rc\td\u0000e\u007f.jpg')).toBe('a_b_c_d_e_.jpg');
    expect(one('a\u2028b\u0085c.jpg')).toBe('a_b_c.jpg');
  });

  it('replaces bidirectional overrides that could disguise an extension', () => {
    expect(one('photo\u202Egpj.exe')).toBe('photo_gpj.exe');
  });

  it('strips trailing dots and spaces, and hides no file behind a leading dot', () => {
    expect(one('name. . ')).toBe('name');
    expect(one('.hidden.jpg')).toBe('_hidden.jpg');
  });

  it('prefixes Windows device names', () => {
    expect(one('CON')).toBe('_CON');
    expect(one('con.jpg')).toBe('_con.jpg');
    expect(one('LPT1.txt')).toBe('_LPT1.txt');
    expect(one('CONSOLE.jpg')).toBe('CONSOLE.jpg');
  });

  it('falls back to a hash prefix when nothing usable is left', () => {
    const h = sha('x');
    expect(payloadPaths([{ name: '', sha256: h }])).toEqual([h.slice(0, 16)]);
    expect(payloadPaths([{ name: '...', sha256: h }])).toEqual([h.slice(0, 16)]);
  });

  it('writes "%" as U+FF05 FULLWIDTH PERCENT SIGN, so no manifest line needs percent-encoding (sha256sum -c reads it)', () => {
    expect(one('report 100%.pdf')).toBe('report 100\uff05.pdf');
    expect(one('%25%0A.txt')).toBe('\uff0525\uff050A.txt');
    expect(one('a.jpg', '50% done')).toBe('50\uff05 done/a.jpg');
  });

  it('replaces an unpaired surrogate, which UTF-8 cannot carry', () => {
    expect(one('a\ud800b.jpg')).toBe('a_b.jpg');
  });
});

describe('payloadPaths: long names', () => {
  it('shortens to 255 UTF-8 bytes and keeps the extension', () => {
    const out = one('a'.repeat(300) + '.jpeg') ?? '';
    expect(bytes(out)).toBe(255);
    expect(out.endsWith('.jpeg')).toBe(true);
  });

  it('shortens Cyrillic names on character boundaries', () => {
    const out = one('Көк-Таш '.repeat(40) + 'үй.jpg') ?? '';
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out.endsWith('.jpg')).toBe(true);
    expect(out).not.toContain('\ufffd');
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
  });

  it('does not split a grapheme (letter + combining mark, emoji)', () => {
    const out = one('e\u0301'.repeat(200) + '.jpg') ?? '';
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out.replace('.jpg', '')).toMatch(/^(é)+$/u);
    const emoji = one('👨‍👩‍👧'.repeat(30) + '.png') ?? '';
    expect(bytes(emoji)).toBeLessThanOrEqual(255);
    expect(emoji.replace('.png', '').length % '👨‍👩‍👧'.length).toBe(0);
  });

  it('keeps a colliding long name within 255 bytes including the hash tag', () => {
    const name = 'б'.repeat(200) + '.mp4';
    const out = payloadPaths([
      { name, sha256: sha('1') },
      { name, sha256: sha('2') },
    ]);
    for (const p of out) {
      expect(bytes(p)).toBeLessThanOrEqual(255);
      expect(p.endsWith('.mp4')).toBe(true);
    }
    expect(out[0]).toContain(`[${sha('1').slice(0, 8)}]`);
    expect(out[1]).toContain(`[${sha('2').slice(0, 8)}]`);
  });

  it('treats an implausibly long "extension" as part of the name', () => {
    const out = one('x.' + 'y'.repeat(300)) ?? '';
    expect(bytes(out)).toBe(255);
    expect(out.startsWith('x.')).toBe(true);
  });
});

describe('payloadPaths: collisions', () => {
  it('tags every file sharing a name with its short sha256', () => {
    const a = sha('a');
    const b = sha('b');
    const out = payloadPaths([
      { name: 'IMG_0001.JPG', sha256: a },
      { name: 'IMG_0001.JPG', sha256: b },
    ]);
    expect(out).toEqual([`IMG_0001 [${a.slice(0, 8)}].JPG`, `IMG_0001 [${b.slice(0, 8)}].JPG`]);
  });

  it('compares case-insensitively (Windows, macOS) and across normalization forms', () => {
    const out = payloadPaths([
      { name: 'IMG_0001.JPG', sha256: sha('a') },
      { name: 'img_0001.jpg', sha256: sha('b') },
      { name: 'Көк.jpg', sha256: sha('c') },
      { name: 'КӨК.JPG', sha256: sha('d') },
      { name: 'Café.jpg'.normalize('NFD'), sha256: sha('e') },
      { name: 'Café.jpg'.normalize('NFC'), sha256: sha('f') },
    ]);
    expect(new Set(out.map((p) => p.toLowerCase())).size).toBe(6);
    expect(out[1]).toBe(`img_0001 [${sha('b').slice(0, 8)}].jpg`);
    expect(out[3]).toBe(`КӨК [${sha('d').slice(0, 8)}].JPG`);
  });

  it('gives the same names whatever the input order', () => {
    const entries = [
      { name: 'a.jpg', sha256: sha('1') },
      { name: 'A.jpg', sha256: sha('2') },
      { name: 'b.jpg', sha256: sha('3') },
    ];
    const forward = payloadPaths(entries);
    const backward = payloadPaths([...entries].reverse()).reverse();
    expect(backward).toEqual(forward);
  });

  it('never lets a tag clash with a file already bearing that name', () => {
    const a = sha('a');
    const out = payloadPaths([
      { name: `x [${a.slice(0, 8)}].jpg`, sha256: sha('z') },
      { name: 'x.jpg', sha256: a },
      { name: 'x.jpg', sha256: sha('b') },
    ]);
    expect(out[0]).toBe(`x [${a.slice(0, 8)}].jpg`);
    expect(out[1]).toBe(`x [${a.slice(0, 16)}].jpg`);
    expect(new Set(out).size).toBe(3);
  });

  it('counts when the same content is listed twice under one name', () => {
    const a = sha('a');
    const out = payloadPaths([
      { name: 'x.jpg', sha256: a },
      { name: 'x.jpg', sha256: a.toUpperCase() },
    ]);
    expect(new Set(out).size).toBe(2);
    expect(out.every((p) => p.includes(a.slice(0, 8)))).toBe(true);
  });

  it('tags names that collide only after sanitising', () => {
    const out = payloadPaths([
      { name: 'a:b.jpg', sha256: sha('1') },
      { name: 'a?b.jpg', sha256: sha('2') },
    ]);
    expect(out[0]).not.toBe(out[1]);
    expect(out[0]).toMatch(/^a_b \[[0-9a-f]{8}\]\.jpg$/u);
  });
});

describe('payloadPaths: sub-folders', () => {
  it('puts files under a sanitised folder', () => {
    expect(one('IMG_0001.JPG', 'Көк-Таш')).toBe('Көк-Таш/IMG_0001.JPG');
    expect(one('x.jpg', 'Batken/Leilek: east')).toBe('Batken_Leilek_ east/x.jpg');
    expect(one('x.jpg', '')).toBe('x.jpg');
  });

  it('allows the same name in different folders, and merges folders differing in case', () => {
    const out = payloadPaths([
      { name: 'IMG_0001.JPG', sha256: sha('1'), dir: 'Batken' },
      { name: 'IMG_0001.JPG', sha256: sha('2'), dir: 'Isfana' },
      { name: 'IMG_0002.JPG', sha256: sha('3'), dir: 'batken' },
      { name: 'img_0001.jpg', sha256: sha('4'), dir: 'BATKEN' },
    ]);
    expect(out[1]).toBe('Isfana/IMG_0001.JPG');
    expect(out[2]).toBe('BATKEN/IMG_0002.JPG'); // code-point-smallest spelling
    expect(out[0]).toBe(`BATKEN/IMG_0001 [${sha('1').slice(0, 8)}].JPG`);
    expect(out[3]).toBe(`BATKEN/img_0001 [${sha('4').slice(0, 8)}].jpg`);
  });

  it('tags a top-level file whose name is also a folder name', () => {
    const out = payloadPaths([
      { name: 'batken', sha256: sha('1') },
      { name: 'x.jpg', sha256: sha('2'), dir: 'Batken' },
    ]);
    expect(out[0]).toBe(`batken [${sha('1').slice(0, 8)}]`);
    expect(out[1]).toBe('Batken/x.jpg');
  });
});

describe('payloadPaths: input checks', () => {
  it('throws on a sha256 that is not 64 hex digits', () => {
    expect(() => payloadPaths([{ name: 'a.jpg', sha256: 'abc' }])).toThrow(TypeError);
    expect(() => payloadPaths([{ name: 'a.jpg', sha256: 'g'.repeat(64) }])).toThrow(/sha256/u);
  });

  it('returns [] for no entries', () => {
    expect(payloadPaths([])).toEqual([]);
  });
});
