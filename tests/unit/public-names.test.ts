// The pieces of a public release's names (export/public-names.ts) and of the redaction record's
// key names (redact/video-strip.ts), on a real archive and a generated video.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../electron/core/archive.ts';
import { addPerson } from '../../electron/core/catalog/people.ts';
import { neutralName, protectedNameTest } from '../../electron/core/export/public-names.ts';
import { checkItems } from '../../electron/verifier-web/items.ts';
import { t } from '../../electron/verifier-web/i18n.ts';
import { isKnownVideoKey, namesFreeVideoKeys, videoRemovals } from '../../electron/core/redact/video-strip.ts';

const dir = mkdtempSync(join(tmpdir(), 'ea-pubnames-unit-'));
let a: Archive;
beforeAll(async () => {
  a = await openArchive(join(dir, 'archive'), { write: true, create: true });
  addPerson(a.db, { name: 'Айгүл Сапарова', nameLatin: 'Aigul Saparova', consent: 'refused', sensitive: true }, 't');
  addPerson(a.db, { name: 'Бакыт Ош', nameLatin: 'Bakyt Osh', consent: 'unknown' }, 't');
  addPerson(a.db, { name: 'Жылдыз Кайыпова', consent: 'unknown' }, 't');
  addPerson(a.db, { name: 'Нурлан Усонов', nameLatin: 'Nurlan Usonov', consent: 'given' }, 't');
});
afterAll(() => {
  a.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('protectedNameTest', () => {
  it('finds a sensitive or unconsented person\'s name, latin name or a name word of 4+ letters, in any case and normalization', () => {
    const named = protectedNameTest(a.db);
    for (const t of ['Saparova_h.jpg', 'AIGUL SAPAROVA', 'сапарова', 'Айгүл', 'КАЙЫПОВА'.normalize('NFD'), 'BAKYT at the gate', 'interview-bakyt.mov']) {
      expect(named(t), t).toBe(true);
    }
  });

  it('leaves other text, people whose consent is given, and name words under 4 letters alone', () => {
    const named = protectedNameTest(a.db);
    // "Ош" (a city, and a name word of 2 letters) must not hide every tag naming the city.
    for (const t of ['street', 'Ош bazaar', 'Osh market', 'Nurlan Usonov', 'Усонов', 'IMG_0001.JPG']) expect(named(t), t).toBe(false);
  });
});

describe('neutralName', () => {
  it('names a copy by item id and its type, an original by id and type or its plain extension', () => {
    expect(neutralName(12, 'image/jpeg', 'Saparova_h.HEIC', true)).toBe('item-12.redacted.jpg');
    expect(neutralName(3, 'video/quicktime', 'k.mov', true)).toBe('item-3.redacted.mov');
    expect(neutralName(7, 'image/jpeg', 'Saparova.JPG')).toBe('item-7.jpg');
    expect(neutralName(8, 'application/x-unknown', 'a.DNG')).toBe('item-8.dng');
    expect(neutralName(9, null, 'Aigul.sapar ova')).toBe('item-9');
  });
});

describe('video metadata keys', () => {
  it('are named only from the known vocabulary; a made-up key is counted', async () => {
    expect(isKnownVideoKey('com.apple.quicktime.location.ISO6709')).toBe(true);
    expect(isKnownVideoKey('creation_time')).toBe(true);
    expect(isKnownVideoKey('com.apple.quicktime.Aigul')).toBe(false);
    const v = join(dir, 'k.mov');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-c:v', 'mpeg4',
      '-metadata', 'Aigul_Saparova_39.9876N_71.4321E=x', '-metadata', 'title=t', '-metadata', 'comment=c', '-movflags', 'use_metadata_tags', v]);
    const removed = await videoRemovals(v);
    expect(removed.tags).toEqual(expect.arrayContaining(['container:title', 'container:comment']));
    expect(JSON.stringify(removed)).not.toMatch(/aigul|39\.98|71\.43/iu);
    expect(removed.otherTags).toBe(1);
  });
});

describe('namesFreeVideoKeys', () => {
  it('tells a record of removed keys made before keys were counted (a made-up key named) from one made since', () => {
    expect(namesFreeVideoKeys({ metadataTags: ['container:major_brand', 'container:Aigul_Saparova_39.9876N_71.4321E'] })).toBe(true);
    expect(namesFreeVideoKeys({ metadataTags: ['stream 0:Aigul'] })).toBe(true);
    expect(namesFreeVideoKeys({ metadataTags: ['container:title', 'stream 0:handler_name', 'GPS:GPSLatitude', 'IFD0:0x9c9b'], metadataTagsOther: 1 })).toBe(false);
    expect(namesFreeVideoKeys({})).toBe(false);
  });
});

describe('VERIFY.html\'s items check (verifier-web checkItems)', () => {
  it('refuses a redacted copy\'s entry that claims a GPS position or serial, as verify-bag does', () => {
    const original = 'a'.repeat(64);
    const copy = 'b'.repeat(64);
    const events = [{ seq: 5, at: '2026-01-01T00:00:00Z', actor: 't', type: 'redaction', item: original, detail: { derivative: { sha256: copy } }, prevHash: '', hash: '' }];
    const excerpt = { events, withheld: new Set<number>(), head: { seq: 5, hash: '0'.repeat(64) }, seal: null, proof: null };
    const entry = { sha256: copy, path: 'data/item-1.redacted.jpg', redactedFrom: { sha256: original }, make: null, model: null, serial: null, gps: null };
    const manifest = [{ path: entry.path, hex: copy }];
    const clean = checkItems([entry], manifest as never, [entry.path], excerpt as never, true);
    const said = (r: typeof clean) => r.problems.map((p) => t('en', p.msg.key, p.msg.params)).filter((m) => /withholds/u.test(m));
    expect(said(clean)).toEqual([]);
    const forged = checkItems([{ ...entry, gps: { lat: 39.98, lon: 71.43, alt: null }, serial: 'X1' }], manifest as never, [entry.path], excerpt as never, true);
    expect(said(forged)).toEqual([
      expect.stringMatching(/redacted copy b{64} a serial value/u), expect.stringMatching(/redacted copy b{64} a gps value/u),
    ]);
  });
});
