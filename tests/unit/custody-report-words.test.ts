// The custody report's words without media: every PREMIS event type the archive writes in a
// sentence of each language with no placeholder left over, a failed fixity check saying FAILED,
// and an HTML report that escapes a hostile file name and references nothing outside itself.
import { describe, expect, it } from 'vitest';
import { CUSTODY_EVENT_TYPES } from '../../electron/common/types.ts';
import { dict } from '../../electron/core/report/i18n.ts';
import { renderCustodyReportHtml } from '../../electron/core/report/html.ts';
import type { CustodyReportModel, ReportEvent } from '../../electron/core/report/model.ts';
import { describeEvent, formatBytes, formatCaptured } from '../../electron/core/report/words.ts';

const LANGS = ['en', 'ru', 'ky'] as const;

// Details as ingest, custody/transfer.ts, export/evidence-set.ts, verify/fixity.ts and catalog/tagging.ts write them.
const EVENTS: ReportEvent[] = [
  { seq: 1, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'ingestion', detail: { outcome: 'success', sourcePath: '/card/DCIM/IMG_1.JPG', fileName: 'IMG_1.JPG', bytes: 2_431_112, host: 'laptop' } },
  { seq: 2, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'message digest calculation', detail: { outcome: 'success', digests: { sha256: 'ab', md5: 'cd' }, of: 'source file, in one read pass' } },
  { seq: 3, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'replication', detail: { outcome: 'success', reusedExistingObject: false } },
  { seq: 4, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'metadata extraction', detail: { outcome: 'success', tool: ['exifr'] } },
  { seq: 5, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'metadata modification', detail: { outcome: 'success', action: 'tagging', before: { places: [], tags: [] }, after: { places: ['min-oruk'], tags: [] } } },
  { seq: 6, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'fixity check', detail: { outcome: 'fail', algorithms: ['sha256'], reason: 'content changed' } },
  { seq: 7, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'dissemination', detail: { outcome: 'success', exportId: 'export-1', path: 'data/IMG_1.JPG', recipient: null } },
  { seq: 8, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'transfer', detail: { outcome: 'success', recipient: 'Prosecutor', exportId: 'export-1' } },
  { seq: 9, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'digital signature generation', detail: { action: 'seal', seal: { seq: 8 } } },
  { seq: 10, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'recovery', detail: { outcome: 'success', finding: { kind: 'altered', object: 'objects/sha256/ab/cd/abcd', expected: { sha256: 'abcd' }, found: { sha256: 'ef01' } }, restoredFrom: { kind: 'replica', replica: 'nas' }, verifiedBy: 'sha256' } },
  { seq: 11, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'validation', detail: { outcome: 'invalid', action: 'c2pa validation', verdict: 'invalid', codes: ['assertion.dataHash.mismatch'], signer: 'C2PA Test Signing Cert', library: '@trustnxt/c2pa-ts 0.9.4', trustList: { name: 'none configured', sha256: null, anchors: 0 } } },
];

describe('custody events in words', () => {
  it('gives what a failed check found in the report\'s language, from its finding, not the verifier\'s English reason', () => {
    const e: ReportEvent = { seq: 10, at: '2026-01-02T03:04:05.000Z', actor: 'op', type: 'fixity check', detail: {
      outcome: 'fail', reason: 'item 7 (objects/sha256/ab/cd/abcd): content altered: sha256 expected aa, found bb',
      finding: { kind: 'altered', object: 'objects/sha256/ab/cd/abcd', expected: { sha256: 'aa' }, found: { sha256: 'bb' } } } };
    expect(describeEvent('ru', e)).toBe('Проверка целостности: НЕ ПРОЙДЕНА (FAILED). Архивная копия больше не совпадает с контрольными суммами, записанными при приёме. SHA256: ожидалось aa, получено bb.');
    expect(describeEvent('ky', e)).not.toMatch(/content altered|expected|found/u);
    expect(describeEvent('en', e)).toBe('Integrity check: FAILED. The archived copy no longer matches the digests recorded at ingest. SHA256 expected aa, found bb.');
  });

  it('covers every event type the archive writes, in every language, with nothing left unfilled', () => {
    expect(new Set(EVENTS.map((e) => e.type))).toEqual(new Set(CUSTODY_EVENT_TYPES));
    for (const lang of LANGS) {
      for (const e of EVENTS) {
        const s = describeEvent(lang, e);
        expect(s, `${lang} ${e.type}`).not.toMatch(/\{\w+\}|undefined|null|\[object/u);
        expect(s.length).toBeGreaterThan(15);
      }
    }
    expect(describeEvent('en', EVENTS[0]!)).toBe('Received into the archive from /card/DCIM/IMG_1.JPG (file IMG_1.JPG, 2.3\u00a0MB (2,431,112\u00a0bytes)) on computer laptop.');
    expect(describeEvent('en', EVENTS[1]!)).toBe('Checksums of the source file calculated in one reading: SHA-256, MD5.');
    expect(describeEvent('ru', EVENTS[4]!)).toBe('Изменена запись в каталоге: места.');
    expect(describeEvent('ky', EVENTS[7]!)).toBe('export-1 топтомунун курамында алуучуга өткөрүлүп берилген: Prosecutor.');
    expect(describeEvent('en', EVENTS.find((e) => e.type === 'validation')!)).toBe('Content Credentials (C2PA) validated: INVALID, signed by C2PA Test Signing Cert; problems: assertion.dataHash.mismatch (@trustnxt/c2pa-ts 0.9.4; trust list: none configured).');
  });

  it('says FAILED for a failed fixity check in every language, with the reason', () => {
    for (const lang of LANGS) expect(describeEvent(lang, EVENTS[5]!)).toMatch(/FAILED.*content changed/u);
    expect(describeEvent('en', { ...EVENTS[5]!, detail: { outcome: 'pass', algorithms: ['sha256', 'md5'] } })).toBe('Integrity check: PASSED. The stored copy still matches its checksum (SHA-256, MD5).');
  });

  it('formats sizes and capture times as an official reads them', () => {
    expect(formatBytes('ru', 2_431_112)).toBe('2,3\u00a0МБ (2\u00a0431\u00a0112\u00a0байт)');
    expect(formatBytes('en', 512)).toBe('512\u00a0bytes');
    expect(formatCaptured('2021-04-29T10:00:00+06:00')).toBe('2021-04-29 10:00:00 (UTC+06:00)');
    expect(formatCaptured('2021-04-29T10:00:00')).toBe('2021-04-29 10:00:00');
    expect(formatCaptured('2021-04-29T04:00:00Z')).toBe('2021-04-29 04:00:00 UTC');
  });

  it('gives every language every label', () => {
    const keys = Object.keys(dict('en')).sort();
    for (const lang of LANGS) expect(Object.keys(dict(lang)).sort()).toEqual(keys);
    for (const lang of ['ru', 'ky'] as const) expect(dict(lang).docTitle).toMatch(/[А-Яа-яӨөҮүҢң]/u);
  });
});

describe('HTML report', () => {
  const model: CustodyReportModel = {
    lang: 'en',
    set: { exportId: 'export-1', createdAt: '2026-01-02T03:04:05.000Z', actor: 'op', itemCount: 1, totalBytes: 10, manifestSha256: 'f'.repeat(64), signer: null, redacted: false },
    items: [{
      bagPath: 'data/<img src=x onerror=alert(1)>.jpg', originalName: '<img src=x onerror=alert(1)>\u0007.jpg', sha256: 'e'.repeat(64), bytes: 10, kind: 'image', mime: 'image/jpeg',
      capturedAt: null, capturedAtSource: null, capturedAtHasZone: false, make: null, model: null, serial: null, gps: null, places: [], people: [], incidents: [], cases: [],
      tags: [], description: 'see https://example.org/x', notes: null, foundAt: [], thumbnail: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), timeline: EVENTS, withheldSeqs: [],
    }],
  };

  it('escapes what users and files supply and loads nothing', () => {
    const html = renderCustodyReportHtml(model);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;\\x07.jpg');
    expect(html).not.toMatch(/<script/iu);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">');
    // A URL typed in a description is text, never a link or a resource.
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?https?:/iu);
    expect(html).toContain('<tr class="failed">');
    expect(html).toContain(dict('en').notSigned);
  });
});
