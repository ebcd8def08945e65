// evidence/items.csv against evidence/items.json, on real exports (a full set and a public release
// with --redact-people) of photos generated here: a forger who edits the CSV a prosecutor opens in
// a spreadsheet and re-seals the tag manifest must still fail verify-bag, naming row, column and
// both values.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const HAS_TOOLS = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('exiftool', ['-ver']).status === 0;

const work = mkdtempSync(join(tmpdir(), 'ea-bag-csv-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
const full = join(work, 'bag-full');
const pub = join(work, 'bag-public');
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Report = { valid: boolean; problems: { file?: string; seq?: number; reason: string }[] };
type Item = Record<string, unknown> & { sha256: string; path: string };
const verify = (d: string) => runCliJson<Report>(['verify-bag', d, '--json']).json;
const readItems = (d: string) => JSON.parse(readFileSync(join(d, 'evidence/items.json'), 'utf8')) as Item[];
const csvProblems = (r: Report) => r.problems.filter((p) => p.file === 'evidence/items.csv');

/** items.csv as rows of cells, header first. */
const readCsv = (d: string) => parse(readFileSync(join(d, 'evidence/items.csv'), 'utf8'), { bom: true }) as string[][];
/** Writes rows back as the exporter would (csv-stringify, BOM, "\n"), so only the change made differs. */
const writeCsv = (d: string, rows: string[][]) => writeFileSync(join(d, 'evidence/items.csv'), stringify(rows, { bom: true }));

/** Recomputes every tag manifest over the files it lists, as a forger would after editing a tag file. */
function reseal(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => /^tagmanifest-\w+\.txt$/.test(n))) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    const files = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('  ') + 2));
    writeFileSync(join(dir, name), files.map((f) => `${createHash(alg).update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`).join(''));
  }
}

/** A copy of `bag` whose items.csv rows went through `edit`, re-sealed. */
function forge(bag: string, name: string, edit: (rows: string[][]) => string[][]): string {
  const d = join(work, name);
  cpSync(bag, d, { recursive: true });
  writeCsv(d, edit(readCsv(d)));
  reseal(d);
  return d;
}

const ok = (args: string[]) => {
  const r = runCli([...args, ...A]);
  expect(r.code, `evidence ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};

describe.skipIf(!HAS_TOOLS)('verify-bag compares evidence/items.csv with evidence/items.json', () => {
  beforeAll(() => {
    const card = join(work, 'card', 'DCIM');
    mkdirSync(card, { recursive: true });
    // Two photos with a capture time, a camera and GPS, so the CSV has cells worth forging.
    for (const [name, colour, when, lat] of [['IMG_0001.JPG', 'red', '2021:04:29 10:15:00', '39.9512'], ['IMG_0002.JPG', 'blue', '2021:04:30 18:02:41', '40.0611']]) {
      const file = join(card, name!);
      const ff = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=64x48`, '-frames:v', '1', file], { encoding: 'utf8' });
      expect(ff.status, ff.stderr).toBe(0);
      const ex = spawnSync('exiftool', ['-q', '-q', '-overwrite_original', `-DateTimeOriginal=${when}`, '-OffsetTimeOriginal=+06:00', '-Make=Canon', '-Model=EOS 5D',
        `-GPSLatitude=${lat}`, '-GPSLatitudeRef=N', '-GPSLongitude=70.5301', '-GPSLongitudeRef=E', file], { encoding: 'utf8' });
      expect(ex.status, ex.stderr).toBe(0);
    }
    // A name a spreadsheet would run as a formula: the exporter quotes it, and verify-bag must compare it quoted.
    writeFileSync(join(card, '=HYPERLINK("example.org"), note.txt'), 'statement\n');
    ok(['ingest', join(work, 'card')]);
    ok(['place', 'add', 'test-yard', '--kind', 'building']);
    const ids = new Map(runCliJson<{ id: number; sources: { name: string }[] }[]>(['list', '--json', ...A]).json.map((i) => [i.sources[0]!.name, String(i.id)]));
    ok(['tag', ids.get('IMG_0001.JPG')!, '--place', 'kok-tash-batken', '--tag', 'school, roof', '--description', 'yard "after" the shelling']);
    ok(['tag', ids.get('IMG_0002.JPG')!, '--place', 'test-yard']);
    ok(['export', '--all', '--out', full]);
    ok(['export', '--all', '--redact-people', '--out', pub]);
  }, 120_000);

  it('passes an untouched full set and an untouched public release, whose CSV is the reduced one', () => {
    for (const bag of [full, pub]) {
      const r = verify(bag);
      expect(r.problems, bag).toEqual([]);
      expect(r.valid).toBe(true);
      // The rewrite the forgeries below use changes nothing by itself.
      const before = readFileSync(join(bag, 'evidence/items.csv'), 'utf8');
      expect(stringify(readCsv(bag), { bom: true })).toBe(before);
    }
    const fullHeader = readCsv(full)[0]!;
    const pubHeader = readCsv(pub)[0]!;
    expect(fullHeader).toEqual(expect.arrayContaining(['sourcePath', 'places', 'description', 'notes']));
    expect(pubHeader).toEqual(expect.arrayContaining(['places', 'tags']));
    expect(pubHeader).not.toContain('sourcePath');
    expect(pubHeader).not.toContain('description');
    const quoted = readCsv(full).find((r) => r.some((c) => c.startsWith("'=HYPERLINK")));
    expect(quoted).toBeDefined();
  });

  it('fails a full set whose capturedAt cell was edited and re-sealed, naming row, column and both values', () => {
    const item = readItems(full).find((i) => i.originalName === 'IMG_0001.JPG')!;
    expect(item.capturedAt).toBe('2021-04-29T10:15:00+06:00');
    const d = forge(full, 'edited-captured-at', (rows) => {
      const col = rows[0]!.indexOf('capturedAt');
      for (const r of rows) if (r[col] === item.capturedAt) r[col] = '2021-04-28T10:15:00+06:00';
      return rows;
    });
    const line = readCsv(full).findIndex((row) => row.includes(item.sha256)) + 1; // no cell spans lines here
    const r = runCli(['verify-bag', d]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^INVALID: /m);
    expect(csvProblems(verify(d))).toEqual([{
      file: 'evidence/items.csv',
      code: 'csv.cell',
      params: { line, sha: item.sha256, path: item.path, column: 'capturedAt', found: '"2021-04-28T10:15:00+06:00"', expected: '"2021-04-29T10:15:00+06:00"' },
      reason: `line ${line}, item ${item.sha256} (${item.path}): column capturedAt is "2021-04-28T10:15:00+06:00", but evidence/items.json gives "2021-04-29T10:15:00+06:00"`,
    }]);
  });

  it('fails a public release whose place cell was edited, and one whose quoted formula cell was unquoted', () => {
    const item = readItems(pub).find((i) => i.originalName === 'IMG_0001.JPG')!;
    expect(item.places).toEqual(['kok-tash-batken']);
    const d = forge(pub, 'edited-place', (rows) => {
      const col = rows[0]!.indexOf('places');
      for (const r of rows) if (r[col] === 'Kok-Tash (kok-tash-batken)') r[col] = 'Kok-Tash (forged-village)';
      return rows;
    });
    const v = verify(d);
    expect(v.valid).toBe(false);
    expect(csvProblems(v)).toEqual([expect.objectContaining({
      reason: expect.stringMatching(new RegExp(`^line \\d+, item ${item.sha256} \\(${item.path}\\): column places is "Kok-Tash \\(forged-village\\)", but evidence/items.json gives "Kok-Tash \\(kok-tash-batken\\)"$`)),
    })]);
    // A cell made live again for the spreadsheet differs from what the exporter writes.
    const d2 = forge(pub, 'unquoted-formula', (rows) => rows.map((r) => r.map((c) => (c.startsWith("'=HYPERLINK") ? c.slice(1) : c))));
    expect(csvProblems(verify(d2))).toEqual([expect.objectContaining({ reason: expect.stringMatching(/column originalName is "=HYPERLINK\(.*, but evidence\/items\.json gives "'=HYPERLINK\(/) })]);
  });

  it('fails a CSV with an item\'s row removed', () => {
    const rows = readCsv(full);
    const shaCol = rows[0]!.indexOf('sha256');
    const gone = readItems(full).find((i) => i.sha256 === rows[2]![shaCol])!;
    const d = forge(full, 'row-removed', (rs) => rs.filter((_, i) => i !== 2));
    const v = verify(d);
    expect(v.valid).toBe(false);
    expect(csvProblems(v)).toEqual([{ file: 'evidence/items.csv', code: 'csv.no-row', params: { sha: gone.sha256, path: gone.path }, reason: `item ${gone.sha256} (${gone.path}) of evidence/items.json has no row` }]);
  });

  it('fails a CSV with a row added for a sha256 items.json does not list', () => {
    const stranger = createHash('sha256').update('a photo never exported').digest('hex');
    const d = forge(full, 'row-added', (rows) => {
      const shaCol = rows[0]!.indexOf('sha256');
      const pathCol = rows[0]!.indexOf('path');
      const added = [...rows[1]!];
      added[shaCol] = stranger;
      added[pathCol] = 'data/IMG_9999.JPG';
      return [...rows, added];
    });
    const v = verify(d);
    expect(v.valid).toBe(false);
    expect(csvProblems(v)).toEqual([{ file: 'evidence/items.csv', code: 'csv.stranger-row', params: { line: 5, sha: stranger }, reason: `line 5: a row for item ${stranger} (data/IMG_9999.JPG), which evidence/items.json does not list` }]);
  });

  it('passes a CSV whose rows are in another order with the same content', () => {
    // Order is not evidence: every row names its item by sha256 and path, spreadsheets re-sort rows
    // at will, and no cell a reader sees changes. Failing it would cry forgery where nothing misleads.
    const d = forge(full, 'reordered', ([header, ...rows]) => [header!, ...rows.reverse()]);
    expect(readCsv(d).slice(1).map((r) => r[0])).not.toEqual(readCsv(full).slice(1).map((r) => r[0]));
    expect(verify(d).problems).toEqual([]);
  });

  it('fails a CSV whose header was changed, in a full set and in a public release', () => {
    const d = forge(full, 'header-renamed', (rows) => [rows[0]!.map((c) => (c === 'capturedAt' ? 'captured' : c)), ...rows.slice(1)]);
    const problems = csvProblems(verify(d));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.reason).toMatch(/^header is ".*,captured,.*", but the exporter writes ".*,capturedAt,.*" for this bag \(missing capturedAt; not written by the exporter: captured\)$/);
    // A public release given a sourcePath column (as a full set has) is not what the exporter wrote for it.
    const d2 = forge(pub, 'header-source-path', (rows) => rows.map((r, i) => [...r, i === 0 ? 'sourcePath' : '/home/card/DCIM']));
    expect(csvProblems(verify(d2))).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^header is .*\(not written by the exporter: sourcePath\)$/) })]);
  });

  it('reports a CSV that cannot be parsed, or has lost its byte-order mark, as a problem of the bag, not a crash', () => {
    const d = join(work, 'unparseable');
    cpSync(full, d, { recursive: true });
    writeFileSync(join(d, 'evidence/items.csv'), readFileSync(join(full, 'evidence/items.csv'), 'utf8') + '1,"data/unterminated\n');
    reseal(d);
    const r = runCli(['verify-bag', d, '--json']);
    expect(r.code).toBe(1);
    const problems = csvProblems(JSON.parse(r.stdout) as Report);
    expect(problems).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^cannot be parsed as CSV, so it cannot be compared with evidence\/items\.json: /) })]);
    const d2 = join(work, 'no-bom');
    cpSync(full, d2, { recursive: true });
    writeFileSync(join(d2, 'evidence/items.csv'), readFileSync(join(full, 'evidence/items.csv'), 'utf8').replace(/^\ufeff/, ''));
    reseal(d2);
    expect(csvProblems(verify(d2))).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^does not begin with the UTF-8 byte-order mark/) })]);
  });
});
