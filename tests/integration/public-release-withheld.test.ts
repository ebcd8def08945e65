// Issue 11 §3: a public release (`export --redact-people`) must leave out the media of the people it
// withholds, not only their links. One village's items: a photo of a 12-year-old flagged sensitive,
// one of a person whose consent was refused, one of a person whose consent is unknown, one of a
// person who consented, and one of nobody. Also: `--place` with a name two villages share is
// refused by export and list, as tag refuses it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-withheld-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
const FILES = ['captive-child.jpg', 'refused.jpg', 'unknown.jpg', 'consented.jpg', 'street.jpg'];
const id: Record<string, number> = {};
const sha: Record<string, string> = {};

interface Withheld { id: number; sha256: string; fileName: string; reasons: string[]; reasonText: string }
interface ExportJson { exportId: string; items: number; withheldMedia: Withheld[]; includedWithheldMedia: Withheld[] }
interface Custody { seq: number; type: string; item: string | null; detail: Record<string, unknown> }

/** Items left out are listed by catalog id. */
const byId = <T extends { id: number | undefined }>(xs: T[]) => [...xs].sort((a, b) => a.id! - b.id!);
const payload = (bag: string) => readdirSync(join(bag, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
const ok = async (...args: string[]) => {
  const r = await runCli(...args, ...A);
  expect(r.code, `evidence ${args.join(' ')}: ${r.err}`).toBe(0);
  return r;
};

beforeAll(async () => {
  mkdirSync(join(work, 'card'));
  for (const f of FILES) writeFileSync(join(work, 'card', f), `photo ${f}\n`);
  await ok('ingest', join(work, 'card'), '--json');
  for (const it of await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A)) {
    id[it.sources[0]!.name] = it.id;
    sha[it.sources[0]!.name] = it.sha256;
  }
  const person = async (...args: string[]) => (await cliJson<{ id: number }>('person', 'add', ...args, ...A)).id;
  const child = await person('Айгерим', '--consent', 'given', '--sensitive');
  const refused = await person('Бакыт', '--consent', 'refused');
  const unknown = await person('Гүлзат');
  const consented = await person('Асель', '--consent', 'given');
  await ok('tag', String(id['captive-child.jpg']), '--place', 'kok-tash-batken', '--person', `${child}:depicts`);
  await ok('tag', String(id['refused.jpg']), '--place', 'kok-tash-batken', '--person', `${refused}:depicts`);
  await ok('tag', String(id['unknown.jpg']), '--place', 'kok-tash-batken', '--person', `${unknown}:testimony of`);
  await ok('tag', String(id['consented.jpg']), '--place', 'kok-tash-batken', '--person', `${consented}:depicts`);
  await ok('tag', String(id['street.jpg']), '--place', 'kok-tash-batken');
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('export --redact-people leaves out the media of the people it withholds', () => {
  const bag = join(work, 'public');
  let r: { code: number; out: string; err: string };
  let result: ExportJson;

  beforeAll(async () => {
    r = await runCli('export', '--place', 'kok-tash-batken', '--redact-people', '--out', bag, '--json', ...A);
    expect(r.code, r.err).toBe(0);
    result = JSON.parse(r.out) as ExportJson;
  });

  it('puts in data/ only the items of people who consented and of nobody', () => {
    expect(payload(bag)).toEqual(['consented.jpg', 'street.jpg']);
    expect(result.items).toBe(2);
    const items = JSON.parse(readFileSync(join(bag, 'evidence/items.json'), 'utf8')) as { originalName: string }[];
    expect(items.map((i) => i.originalName).sort()).toEqual(['consented.jpg', 'street.jpg']);
    expect(readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8')).not.toMatch(/captive-child|refused|unknown/);
  });

  it('names each item left out and why, on stderr and in --json', () => {
    expect(result.withheldMedia).toEqual(byId([
      { id: id['captive-child.jpg'], sha256: sha['captive-child.jpg'], fileName: 'captive-child.jpg', reasons: ['sensitive'], reasonText: 'shows a person flagged sensitive' },
      { id: id['refused.jpg'], sha256: sha['refused.jpg'], fileName: 'refused.jpg', reasons: ['consent-refused'], reasonText: 'a person\'s consent to publication is refused' },
      { id: id['unknown.jpg'], sha256: sha['unknown.jpg'], fileName: 'unknown.jpg', reasons: ['consent-unknown'], reasonText: 'a person\'s consent to publication is unknown' },
    ]));
    expect(result.includedWithheldMedia).toEqual([]);
    expect(r.err).toContain(`withheld: item ${id['captive-child.jpg']} captive-child.jpg: shows a person flagged sensitive`);
    expect(r.err).toContain(`withheld: item ${id['refused.jpg']} refused.jpg: a person's consent to publication is refused`);
    expect(r.err).toContain(`withheld: item ${id['unknown.jpg']} unknown.jpg: a person's consent to publication is unknown`);
    expect(r.err).toMatch(/3 items left out of this public release/);
  });

  it('says in bag-info.txt only how many were left out and why, never which', () => {
    const info = readFileSync(join(bag, 'bag-info.txt'), 'utf8');
    const line = info.replace(/\n[ \t]+/g, ' ').split('\n').find((l) => l.startsWith('Evidence-Withheld-Items:'));
    expect(line).toBe('Evidence-Withheld-Items: 3 items chosen for this set were left out of it. Reasons (an item can have several): ' +
      'shows a person flagged sensitive: 1 item; a person\'s consent to publication is refused: 1 item; a person\'s consent to ' +
      'publication is unknown: 1 item. Which items, and why, is recorded in the source archive.');
    for (const f of ['captive-child', 'refused.jpg', 'unknown.jpg', sha['captive-child.jpg']!.slice(0, 12)]) expect(info).not.toContain(f);
  });

  it('records in the custody log which items were left out, and the bag verifies', async () => {
    const events = (await cliJson<{ events: Custody[] }>('log', '--json', ...A)).events;
    const set = events.find((e) => e.type === 'dissemination' && e.item === null && e.detail.exportId === result.exportId && !e.detail.stage)!;
    expect((set.detail.selection as Record<string, unknown>).publicRelease).toEqual({
      withheld: byId([
        { id: id['captive-child.jpg'], item: sha['captive-child.jpg'], reasons: ['sensitive'] },
        { id: id['refused.jpg'], item: sha['refused.jpg'], reasons: ['consent-refused'] },
        { id: id['unknown.jpg'], item: sha['unknown.jpg'], reasons: ['consent-unknown'] },
      ]).map(({ item, reasons }) => ({ item, reasons })),
      includedOnRequest: [],
    });
    const v = await verifyBag(bag);
    expect(v.problems).toEqual([]);
    const py = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), bag], { encoding: 'utf8' });
    if (existsSync(join(SHARED_DIR, 'tools', 'bagcheck.py'))) expect(py.status, py.stdout + py.stderr).toBe(0);
  });

  it('sends a withheld item only on an explicit per-item opt-in, recorded in the custody log', async () => {
    const out = join(work, 'public-optin');
    const r2 = await runCli('export', '--place', 'kok-tash-batken', '--redact-people', '--include-withheld-media', String(id['refused.jpg']),
      '--out', out, '--json', ...A);
    expect(r2.code, r2.err).toBe(0);
    const res = JSON.parse(r2.out) as ExportJson;
    expect(payload(out)).toEqual(['consented.jpg', 'refused.jpg', 'street.jpg']);
    expect(res.withheldMedia.map((w) => w.fileName)).toEqual(byId([{ id: id['captive-child.jpg'], f: 'captive-child.jpg' }, { id: id['unknown.jpg'], f: 'unknown.jpg' }]).map((x) => x.f));
    expect(res.includedWithheldMedia).toEqual([
      { id: id['refused.jpg'], sha256: sha['refused.jpg'], fileName: 'refused.jpg', reasons: ['consent-refused'], reasonText: 'a person\'s consent to publication is refused' },
    ]);
    expect(r2.err).toContain(`included on request (--include-withheld-media): item ${id['refused.jpg']} refused.jpg: a person's consent to publication is refused`);
    const events = (await cliJson<{ events: Custody[] }>('log', '--json', ...A)).events;
    const set = events.find((e) => e.type === 'dissemination' && e.item === null && e.detail.exportId === res.exportId && !e.detail.stage)!;
    expect((set.detail.selection as { publicRelease: unknown }).publicRelease).toEqual({
      withheld: byId([{ id: id['captive-child.jpg'], item: sha['captive-child.jpg'], reasons: ['sensitive'] }, { id: id['unknown.jpg'], item: sha['unknown.jpg'], reasons: ['consent-unknown'] }])
        .map(({ item, reasons }) => ({ item, reasons })),
      includedOnRequest: [{ item: sha['refused.jpg'], reasons: ['consent-refused'] }],
    });
    // The person whose consent was refused is still not in people.json, nor in the item's people.
    const items = JSON.parse(readFileSync(join(out, 'evidence/items.json'), 'utf8')) as { originalName: string; people: unknown[] }[];
    expect(items.find((i) => i.originalName === 'refused.jpg')!.people).toEqual([]);
    expect((await verifyBag(out)).problems).toEqual([]);
  });

  it('refuses an opt-in for an item not in the set, and one without --redact-people', async () => {
    const r3 = await runCli('export', '--item', String(id['street.jpg']), '--redact-people', '--include-withheld-media', String(id['refused.jpg']),
      '--out', join(work, 'optin-outside'), ...A);
    expect(r3.code).toBe(2);
    expect(r3.err).toContain(`--include-withheld-media ${id['refused.jpg']}: item ${id['refused.jpg']} is not among the items chosen for this set`);
    expect(existsSync(join(work, 'optin-outside'))).toBe(false);
    const r4 = await runCli('export', '--all', '--include-withheld-media', String(id['refused.jpg']), '--out', join(work, 'optin-full'), ...A);
    expect(r4.code).toBe(2);
    expect(r4.err).toContain('--include-withheld-media applies to a public release (--redact-people) only');
  });

  it('refuses clearly when every item chosen would be withheld, writing nothing', async () => {
    const out = join(work, 'all-withheld');
    const r5 = await runCli('export', '--item', String(id['captive-child.jpg']), String(id['unknown.jpg']), '--redact-people', '--out', out, ...A);
    expect(r5.code).toBe(2);
    expect(r5.err).toContain('export --redact-people: all 2 items chosen are withheld from a public release; nothing was exported');
    expect(r5.err).toContain(`item ${id['captive-child.jpg']} captive-child.jpg: shows a person flagged sensitive`);
    expect(r5.err).toContain('--include-withheld-media');
    expect(existsSync(out)).toBe(false);
    const events = (await cliJson<{ events: Custody[] }>('log', '--json', ...A)).events;
    expect(events.filter((e) => e.type === 'dissemination' && e.item === null && e.detail.bagDir === out)).toEqual([]);
  });

  it('leaves a full set for an authority as it was: every item in data/', async () => {
    const out = join(work, 'authority');
    const r6 = await runCli('export', '--place', 'kok-tash-batken', '--out', out, '--json', ...A);
    expect(r6.code, r6.err).toBe(0);
    expect(payload(out)).toEqual([...FILES].sort());
    expect(r6.err).not.toContain('withheld:');
  });
});

describe('--place with a name two places share', () => {
  it('export refuses it as tag does, listing the ids, and writes nothing', async () => {
    const out = join(work, 'kok-tash');
    const r = await runCli('export', '--place', 'Көк-Таш', '--out', out, ...A);
    const t = await runCli('tag', String(id['street.jpg']), '--place', 'Көк-Таш', ...A);
    expect(t.code).toBe(2);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/place "Көк-Таш" is ambiguous: kok-tash-batken \(.*\); kok-tash-leilek \(.*\); give the id/);
    expect(r.err).toBe(t.err);
    expect(existsSync(out)).toBe(false);
  });

  it('list refuses it the same way', async () => {
    const r = await runCli('list', '--place', 'Көк-Таш', ...A);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/place "Көк-Таш" is ambiguous: kok-tash-batken \(.*\); kok-tash-leilek \(.*\); give the id/);
    expect(r.out).toBe('');
  });
});
