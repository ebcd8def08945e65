// The custody report (issue 12 §4) on the real corpus: ingest it into a temporary archive, tag a
// few items to a seed village with Kyrgyz letters (Миң-Өрүк), a user-added yard and people, then
// build the report in en, ru and ky and check the PDF with poppler (pdftotext, pdffonts,
// pdftoppm) and the HTML: labels and item data are there, every font is embedded, every page
// renders and none is blank, nothing external is referenced, and a redacted report leaves out
// what a redacted set leaves out. Set REPORT_KEEP=<dir> to keep the PDFs, HTML and page PNGs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { openArchive, type Archive } from '../../electron/core/archive.ts';
import { addCase } from '../../electron/core/catalog/cases.ts';
import { catalogExportExtras } from '../../electron/core/catalog/export-extras.ts';
import { addIncident } from '../../electron/core/catalog/incidents.ts';
import { addPerson } from '../../electron/core/catalog/people.ts';
import { addPlace } from '../../electron/core/catalog/places.ts';
import { pseudonymKey, pseudonymOf } from '../../electron/core/catalog/register.ts';
import { tagItem } from '../../electron/core/catalog/tagging.ts';
import { appendCustodyEvent, listCustodyEvents } from '../../electron/core/custody/log.ts';
import { listAllItems } from '../../electron/core/db/items.ts';
import { writeBag } from '../../electron/core/export/bagit.ts';
import { payloadPaths } from '../../electron/core/export/names.ts';
import { ingest } from '../../electron/core/ingest/ingest.ts';
import { dict, fill } from '../../electron/core/report/i18n.ts';
import { buildCustodyReportModel, payloadManifestSha256, renderCustodyReportHtml, renderCustodyReportPdf, type CustodyReportModel, type ReportLang } from '../../electron/core/report/index.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
};
/**
 * Without whitespace and hyphens: pdftotext breaks long paths and checksums where the PDF wrapped
 * them, and drops the hyphen of a line ending in one ("manifest-" / "sha256.txt").
 */
const bare = (s: string) => s.replace(/[\s-]+/gu, '');

const FIXITY_REASON = 'SHA-256 of the stored copy is 00ff, not the recorded one';
const RELEASED = 'Жаңыл Өмүрбекова';
const UNRELEASED = 'Айгүл Ташиева';
const SENSITIVE = 'Нургүл Мамытова';
const YARD = 'Ташиевалардын короосу';
const DESCRIPTION = 'Снято Нурланом Усоновым с крыши школы';
const NOTES = 'передано соседкой Гулзат';
const INCIDENT_TITLE = 'Аткылоо: Миң-Өрүк, мектептин жанында';

describe.skipIf(!HAS_CORPUS)('custody report on the real corpus', () => {
  let work: string;
  let archive: Archive;
  let onePerMime: number[];
  let bagPaths: string[];
  let tagged: { photo: number; video: number; audio: number; doc: number };
  let people: { janyl: number; aigul: number; nurgul: number };
  const keep = process.env.REPORT_KEEP;
  const out = () => keep ?? join(work, 'out');
  const models = new Map<string, CustodyReportModel>();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ea-report-'));
    mkdirSync(out(), { recursive: true });
    archive = await openArchive(join(work, 'archive'), { write: true, create: true });
    await ingest(archive, { inputs: [MEDIA_DIR], operator: 'Айжан Токтогулова' });
    const db = archive.db;
    const all = listAllItems(db);
    const byName = (re: RegExp) => {
      const it = all.find((i) => (db.prepare('SELECT file_name FROM sightings WHERE item_id = ?').all(i.id) as { file_name: string }[]).some((s) => re.test(s.file_name)));
      if (!it) throw new Error(`no corpus item ${re}`);
      return it.id;
    };
    tagged = { photo: byName(/^Apple iPhone 4\.jpg$/u), video: byName(/^with-gps\.mov$/u), audio: byName(/^STE-000\.wav$/u), doc: byName(/^linn\.pdf$/u) };
    addPlace(db, { id: 'tashieva-yard', nameEn: 'Tashieva yard', nameKy: YARD, kind: 'house', lat: 39.91, lon: 70.51 }, { actor: 'Айжан Токтогулова' });
    const janyl = addPerson(db, { name: RELEASED, consent: 'given' }, 'Айжан Токтогулова');
    const aigul = addPerson(db, { name: UNRELEASED, consent: 'refused' }, 'Айжан Токтогулова');
    const nurgul = addPerson(db, { name: SENSITIVE, consent: 'given', sensitive: true }, 'Айжан Токтогулова');
    const inc = addIncident(db, { title: INCIDENT_TITLE, type: 'shelling', startedAt: '2022-09-14T10:00+06:00', placeIds: ['min-oruk'] }, 'Айжан Токтогулова');
    const kase = addCase(db, { authority: 'Баткен облусунун прокуратурасы', caseNumber: '05-123/22', articles: ['97 ч. 2'], openedOn: '2022-09-20' }, 'Айжан Токтогулова');
    const actor = 'Айжан Токтогулова';
    people = { janyl: janyl.id, aigul: aigul.id, nurgul: nurgul.id };
    tagItem(db, tagged.photo, { addPlaces: ['min-oruk'], addPeople: [{ id: janyl.id, role: 'depicts' }, { id: aigul.id, role: 'depicts' }, { id: nurgul.id, role: 'property of' }],
      addIncidents: [inc.id], addCases: [kase.id], description: DESCRIPTION, notes: NOTES, addTags: ['үй'] }, { actor });
    tagItem(db, tagged.video, { addPlaces: ['tashieva-yard', 'min-oruk'], addIncidents: [inc.id] }, { actor });
    tagItem(db, tagged.audio, { addPeople: [{ id: aigul.id, role: 'testimony of' }] }, { actor });
    const photoSha = all.find((i) => i.id === tagged.photo)!.record.sha256;
    appendCustodyEvent(db, { actor: 'Бакыт Асанов', type: 'fixity check', item: photoSha, detail: { outcome: 'fail', algorithms: ['sha256'], reason: FIXITY_REASON } });
    appendCustodyEvent(db, { actor: 'Бакыт Асанов', type: 'fixity check', item: photoSha, detail: { outcome: 'pass', algorithms: ['sha256'] } });
    const seen = new Set<string>();
    onePerMime = [tagged.photo, tagged.video, tagged.audio, tagged.doc, ...all.filter((i) => {
      const key = i.record.mime ?? `none-${i.record.kind}`;
      return !seen.has(key) && (seen.add(key), true);
    }).map((i) => i.id)].filter((id, k, xs) => xs.indexOf(id) === k);
  }, 180_000);

  afterAll(async () => {
    await archive?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The model of a set of `itemIds`, as the export would ask for it. */
  async function model(lang: ReportLang, itemIds: number[], redacted: boolean): Promise<CustodyReportModel> {
    const db = archive.db;
    const extras = catalogExportExtras(db, itemIds, { redactPeople: redacted });
    const rows = itemIds.map((id) => listAllItems(db).find((i) => i.id === id)!);
    const names = rows.map((r) => (db.prepare('SELECT file_name FROM sightings WHERE item_id = ? ORDER BY id').get(r.id) as { file_name: string }).file_name);
    bagPaths = payloadPaths(rows.map((r, i) => ({ name: names[i]!, sha256: r.record.sha256, dir: extras.dirOf?.(r.id) }))).map((p) => `data/${p}`);
    const events = listCustodyEvents(db, { items: rows.map((r) => r.record.sha256) });
    const kept: CustodyEvent[] = extras.excerptFilter ? events.filter(extras.excerptFilter) : events;
    const withheld = extras.excerptFilter ? events.filter((e) => !extras.excerptFilter!(e)).map((e) => e.seq) : [];
    return buildCustodyReportModel(db, archive.objectsDir, {
      itemIds, bagPaths, redacted, excerptEvents: kept, withheldSeqs: withheld, lang,
      set: {
        exportId: `export-2026-03-0${redacted ? 2 : 1}-5a1b2c3d`, createdAt: '2026-03-01T09:30:00.000Z', actor: 'Айжан Токтогулова',
        recipient: 'Баткен облусунун прокуратурасы', organization: 'Укук коргоо борбору «Адилет»', description: 'Далилдер, Миң-Өрүк, 2022-ж. сентябрь',
        manifestSha256: 'a'.repeat(64), signer: { identity: 'aizhan@adilet.kg', fingerprint: 'SHA256:q2o0lJd1F0P3cfqgZC3q0Mq7b0m4o9vQkNQ8eq3mJ7c' },
      },
    });
  }

  /** Writes the PDF, checks it with poppler and returns its text. */
  async function checkPdf(name: string, m: CustodyReportModel): Promise<string> {
    const pdf = await renderCustodyReportPdf(m);
    const file = join(out(), `${name}.pdf`);
    writeFileSync(file, pdf);
    const fonts = run('pdffonts', [file]).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      // name type encoding emb sub uni object ID: emb and sub are the 3rd and 2nd-to-last but two.
      const cols = f.trim().split(/\s+/u);
      expect(f, 'font is DejaVu').toMatch(/DejaVu/u);
      expect(cols[cols.length - 5], `font embedded: ${f}`).toBe('yes');
    }
    const pages = Number(/Pages:\s+(\d+)/u.exec(run('pdfinfo', [file]))![1]);
    const pngDir = join(out(), `${name}-pages`);
    rmSync(pngDir, { recursive: true, force: true });
    mkdirSync(pngDir);
    run('pdftoppm', ['-png', '-r', keep ? '80' : '24', file, join(pngDir, 'p')]);
    const pngs = readdirSync(pngDir).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toHaveLength(pages);
    for (const png of pngs) {
      // The body of the page (without running header and page number) must hold dark pixels.
      const img = sharp(join(pngDir, png));
      const { width, height } = await img.metadata();
      const body = await img.extract({ left: 0, top: Math.round(height! * 0.06), width: width!, height: Math.round(height! * 0.86) }).greyscale().raw().toBuffer();
      const dark = body.reduce((n, v) => n + (v < 160 ? 1 : 0), 0);
      expect(dark / body.length, `${name} ${png} is blank`).toBeGreaterThan(0.002);
    }
    return bare(run('pdftotext', ['-enc', 'UTF-8', file, '-']));
  }

  const facts = (m: CustodyReportModel) => {
    const d = dict(m.lang);
    return [d.docTitle, d.setId, d.manifestSha, d.signerFingerprint, d.originalName, d.captured, d.device, d.timeline, d.verifyTitle, d.foundAt,
      m.set.exportId, m.set.signer!.fingerprint, 'a'.repeat(64), 'Миң-Өрүк', 'Айжан Токтогулова',
      'certutil -hashfile', 'ssh-keygen -Y verify -f signatures/allowed_signers -I aizhan@adilet.kg -n file -s signatures/tagmanifest-sha256.txt.sshsig < tagmanifest-sha256.txt',
      'sha256sum -c manifest-sha256.txt', 'shasum -a 256 -c manifest-sha256.txt', 'gpg --verify signatures/tagmanifest-sha256.txt.asc tagmanifest-sha256.txt',
      'openssl ts -verify -data tagmanifest-sha256.txt -in signatures/tagmanifest-sha256.txt.1.tsr -CAfile signatures/tagmanifest-sha256.txt.1.tsr.crt',
      ...m.items.flatMap((it) => [it.originalName, it.sha256])].map(bare);
  };

  for (const lang of ['en', 'ru', 'ky'] as const) {
    it(`${lang}: the PDF and the HTML give the labels, every item's name and SHA-256, Kyrgyz letters, and the verification commands`, async () => {
      // English gets one item of every MIME type of the corpus (every thumbnail path: JPEG, HEIC,
      // RAW, WebP, PNG, TIFF, video posters, and labels for audio, documents and the rest).
      const set = lang === 'en' ? onePerMime : [tagged.photo, tagged.video, tagged.audio, tagged.doc];
      const m = await model(lang, set, false);
      models.set(lang, m);
      const photo = m.items.find((i) => i.originalName === 'Apple iPhone 4.jpg')!;
      expect(photo.thumbnail?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect((await sharp(photo.thumbnail!).metadata()).width).toBeLessThanOrEqual(320);
      expect(m.items.find((i) => i.kind === 'video')!.thumbnail).not.toBeNull();
      expect(m.items.find((i) => i.kind === 'audio')!.thumbnail).toBeNull();
      expect(photo.people.map((p) => p.label)).toEqual([RELEASED, UNRELEASED, pseudonymOf(pseudonymKey(archive.db), people.nurgul)]);
      const text = await checkPdf(`report-${lang}`, m);
      for (const f of [...facts(m), ...[RELEASED, UNRELEASED, YARD, DESCRIPTION, NOTES, INCIDENT_TITLE, FIXITY_REASON, MEDIA_DIR].map(bare)]) expect(text.includes(f), `${lang} PDF lacks ${f}`).toBe(true);
      expect(text.includes(bare(SENSITIVE)), 'sensitive person named').toBe(false);
      expect(text).toMatch(lang === 'en' ? /Integritycheck:FAILED\.SHA256ofthestoredcopyis00ff/u : /\(FAILED\)/u);
      const html = renderCustodyReportHtml(m);
      writeFileSync(join(out(), `report-${lang}.html`), html);
      const htmlText = bare(html.replace(/<[^>]+>/gu, ' ').replace(/&lt;/gu, '<').replace(/&gt;/gu, '>').replace(/&quot;/gu, '"').replace(/&#39;/gu, "'").replace(/&amp;/gu, '&'));
      for (const f of [...facts(m), ...[RELEASED, YARD, DESCRIPTION, FIXITY_REASON, MEDIA_DIR].map(bare)]) expect(htmlText.includes(f), `${lang} HTML lacks ${f}`).toBe(true);
      expect(html).not.toMatch(/https?:\/\//u);
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["'](?!data:image\/jpeg;base64,)/u);
      expect(html).toContain("default-src 'none'");
      expect(html.match(/<img /gu)?.length).toBe(m.items.filter((i) => i.thumbnail).length);
    }, 120_000);
  }

  it('a redacted report shows no source path, description, notes, user place name or unreleased person', async () => {
    const set = [tagged.photo, tagged.video, tagged.audio, tagged.doc];
    const m = await model('en', set, true);
    const key = pseudonymKey(archive.db);
    const photo = m.items.find((i) => i.originalName === 'Apple iPhone 4.jpg')!;
    expect(photo.people).toEqual([{ label: pseudonymOf(key, people.janyl), pseudonym: true, role: 'depicts' }]);
    expect(photo.description).toBeNull();
    expect(photo.foundAt.every((s) => s.sourcePath === null)).toBe(true);
    // Every ingestion event names a source path, so none is in a redacted excerpt; their seqs are listed.
    expect(photo.timeline.some((e) => e.type === 'ingestion')).toBe(false);
    expect(photo.withheldSeqs.length).toBeGreaterThan(0);
    const text = await checkPdf('report-redacted', m);
    const html = renderCustodyReportHtml(m);
    writeFileSync(join(out(), 'report-redacted.html'), html);
    for (const s of [MEDIA_DIR, 'fixtures/media', UNRELEASED, SENSITIVE, RELEASED, YARD, 'Tashieva', 'tashieva-yard', DESCRIPTION, NOTES, INCIDENT_TITLE, 'Баткен облусунун прокуратурасы, № 05-123/22']) {
      expect(text.includes(bare(s)), `PDF shows "${s}"`).toBe(false);
      expect(bare(html).includes(bare(s)), `HTML shows "${s}"`).toBe(false);
    }
    for (const s of [pseudonymOf(key, people.janyl), 'Миң-Өрүк', 'FAILED', dict('en').redactedTitle, photo.sha256]) {
      expect(text.includes(bare(s)), `PDF lacks "${s}"`).toBe(true);
      expect(bare(html).includes(bare(s)), `HTML lacks "${s}"`).toBe(true);
    }
    expect(text).toMatch(/P[0-9A-F]{12}\(placeaddedbythearchive'susers;namewithheld\)/u);
  }, 120_000);
});

describe('custody report PDF without media', () => {
  it('flows a description longer than a page onto the next pages and prints control characters visibly', async () => {
    const words = Array.from({ length: 2500 }, (_, i) => `сөз${i}`).join(' ');
    const m: CustodyReportModel = {
      lang: 'ky',
      set: { exportId: 'export-long', createdAt: '2026-01-02T03:04:05.000Z', actor: 'op', itemCount: 1, totalBytes: 10, manifestSha256: 'f'.repeat(64), signer: null, redacted: false },
      items: [{
        bagPath: 'data/a.txt', originalName: 'bell\u0007name.txt', sha256: 'e'.repeat(64), bytes: 10, kind: 'document', mime: 'text/plain', capturedAt: null, capturedAtSource: null,
        capturedAtHasZone: false, make: null, model: null, serial: null, gps: null, places: [], people: [], incidents: [], cases: [], tags: [], description: words, notes: 'ЭСКЕРТҮҮ-АЯГЫ',
        foundAt: [], thumbnail: null, timeline: [], withheldSeqs: [],
      }],
    };
    const dir = process.env.REPORT_KEEP ?? mkdtempSync(join(tmpdir(), 'ea-report-long-'));
    try {
      const file = join(dir, 'r.pdf');
      writeFileSync(file, await renderCustodyReportPdf(m));
      const pages = Number(/Pages:\s+(\d+)/u.exec(run('pdfinfo', [file]))![1]);
      expect(pages).toBeGreaterThanOrEqual(5);
      const text = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      expect(bare(text)).toContain(bare(`сөз2498 сөз2499${dict('ky').notes}ЭСКЕРТҮҮ-АЯГЫ`));
      expect(text).toContain('bell\\x07name.txt');
      expect(text).toContain(fill(dict('ky').pageOf, { x: pages, y: pages }));
    } finally {
      if (!process.env.REPORT_KEEP) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('payloadManifestSha256', () => {
  it('is the SHA-256 of the manifest-sha256.txt writeBag writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ea-report-manifest-'));
    try {
      const files = [['Көк-Таш/ü 100%.txt', 'one'], ['B.txt', 'two'], ['a.txt', 'three'], ['Көк-Таш/A.txt', 'four']] as const;
      const payload = files.map(([path, text], i) => {
        const source = join(dir, `src${i}`);
        writeFileSync(source, text);
        return { source, path, bytes: Buffer.byteLength(text), digests: { sha256: createHash('sha256').update(text).digest('hex') } };
      });
      const bag = await writeBag({ outDir: join(dir, 'bag'), payload, tagFiles: [], bagInfo: {}, algorithms: ['sha256'] });
      expect(payloadManifestSha256(payload.map((p) => ({ path: p.path, sha256: p.digests.sha256.toUpperCase() })))).toBe(bag.manifestSha256);
      expect(payloadManifestSha256(payload.slice(1).map((p) => ({ path: p.path, sha256: p.digests.sha256 })))).not.toBe(bag.manifestSha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
