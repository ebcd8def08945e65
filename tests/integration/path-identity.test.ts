// Issue 11 part 1: the identity of a path is its bytes. Two names that printed alike (a raw byte
// 0xFF and the literal text "\xFF") made the walk drop one file without a word; Unicode NFC and NFD
// spellings of one Cyrillic name, and names differing only by case, are two files on Linux that
// must stay two items and two payload files in an exported bag (one file on macOS and Windows).
// Runs the real CLI in a child process, in the folder the report ran it in.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVIDENCE_BIN } from '../helpers/cli.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { openArchive } from '../../electron/core/archive.ts';
import { queryItems } from '../../electron/core/service/items-query.ts';

// The independent BagIt checker of the shared fixtures, when present (python3, no dependencies).
const BAGCHECK = join(SHARED_DIR, 'tools', 'bagcheck.py');

/** Checks `bag` with verify-bag, and with bagcheck.py when it is present. */
function expectValidBag(bag: string): void {
  const v = evidence(work, 'verify-bag', bag);
  // Intact; unsigned, since the tests hold no signing key: exit 5, not "valid for a court".
  expect(v.out).toMatch(/^INTACT: /mu);
  expect(v.code, v.out + v.err).toBe(5);
  if (existsSync(BAGCHECK)) {
    const py = spawnSync('python3', [BAGCHECK, bag], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
  }
}

const work = realpathSync(mkdtempSync(join(tmpdir(), 'ea-paths-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `evidence ARGS` run in `cwd`, as a user types it there. */
function evidence(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [EVIDENCE_BIN, ...args], { cwd, env: { ...process.env, EVIDENCE_OPERATOR: 'test-operator' }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function json<T>(r: { code: number; out: string; err: string }): T {
  try {
    return JSON.parse(r.out) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.out}\n${r.err}`);
  }
}

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer) => b.toString('base64');

interface FileResult { path: string; pathBytes?: string; status: string; sha256?: string }
interface IngestJson { counts: { added: number; duplicate: number; skipped: number; failed: number }; files: FileResult[] }
interface Listed { id: number; sha256: string; sources: { path: string; name: string; pathBytes?: string; nameBytes?: string }[] }

describe('issue 11.1: two names that print alike', () => {
  // The report, as written: printf 'raw byte ff' > "esc/$(printf 'name_\xff.txt')"; printf 'literal backslash' > 'esc/name_\xFF.txt'
  const esc = join(work, 'esc');
  mkdirSync(esc);
  const rawName = Buffer.concat([Buffer.from('name_'), Buffer.from([0xff]), Buffer.from('.txt')]);
  const rawPath = Buffer.concat([Buffer.from(esc + '/'), rawName]);
  writeFileSync(rawPath, 'raw byte ff');
  const literalName = 'name_\\xFF.txt';
  writeFileSync(join(esc, literalName), 'literal backslash');

  it('ingests both files: "2 added", both stored, exit 0', () => {
    const r = evidence(work, 'ingest', 'esc', '--archive', 'esc-archive');
    expect(r.err).toBe('');
    expect(r.out.split('\n')[0]).toMatch(/^2 added, 0 duplicate, 0 skipped, 0 failed /);
    expect(r.code).toBe(0);
    const items = json<Listed[]>(evidence(work, 'list', '--archive', 'esc-archive', '--json'));
    expect(items.map((i) => i.sha256).sort()).toEqual([sha('raw byte ff'), sha('literal backslash')].sort());
    const byContent = new Map(items.map((i) => [i.sha256, i.sources]));
    // The display form: a backslash is written "\\", a byte outside UTF-8 "\xHH"; the exact bytes in pathBytes.
    expect(byContent.get(sha('raw byte ff'))).toEqual([{ path: `${esc}/name_\\xFF.txt`, name: 'name_\\xFF.txt', pathBytes: b64(rawPath), nameBytes: b64(rawName) }]);
    expect(byContent.get(sha('literal backslash'))).toEqual([{
      path: `${esc}/name_\\\\xFF.txt`, name: 'name_\\\\xFF.txt',
      pathBytes: b64(Buffer.from(join(esc, literalName))), nameBytes: b64(Buffer.from(literalName)),
    }]);
  });

  it('lists the two distinctly in human output', () => {
    const r = evidence(work, 'list', '--archive', 'esc-archive');
    expect(r.code).toBe(0);
    const names = r.out.split('\n').filter((l) => l.includes('name_')).map((l) => l.trim().split(/\s+/).at(-1)).sort();
    expect(names).toEqual(['name_\\\\xFF.txt', 'name_\\xFF.txt']);
  });

  it('a re-run reports both as duplicate, recognised by their bytes; verify is clean', () => {
    const again = json<IngestJson>(evidence(work, 'ingest', 'esc', '--archive', 'esc-archive', '--json'));
    expect(again.counts).toMatchObject({ added: 0, duplicate: 2, skipped: 0, failed: 0 });
    expect(again.files.map((f) => [f.path, f.pathBytes, f.status]).sort()).toEqual([
      [`${esc}/name_\\\\xFF.txt`, b64(Buffer.from(join(esc, literalName))), 'duplicate'],
      [`${esc}/name_\\xFF.txt`, b64(rawPath), 'duplicate'],
    ]);
    // Recognised by path and inode without reading them again, not by their content.
    for (const f of again.files) expect((f as FileResult & { reason: string }).reason).toMatch(/already ingested from this path/);
    const human = evidence(work, 'ingest', 'esc', '--archive', 'esc-archive');
    expect(human.out.split('\n')[0]).toMatch(/^0 added, 2 duplicate, 0 skipped, 0 failed /);
    const v = evidence(work, 'verify', '--archive', 'esc-archive');
    expect(v.out).toMatch(/^OK: 2 of 2 items .* 0 problems$/m);
    expect(v.code).toBe(0);
  });

  it('--json of a first ingest tells the two apart too', () => {
    const r = json<IngestJson>(evidence(work, 'ingest', 'esc', '--archive', 'esc-archive-2', '--json'));
    expect(r.counts).toMatchObject({ added: 2, duplicate: 0, failed: 0 });
    const paths = r.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(2);
    expect(r.files.map((f) => Buffer.from(f.pathBytes ?? '', 'base64').toString('hex')).sort()).toEqual([rawPath.toString('hex'), Buffer.from(join(esc, literalName)).toString('hex')].sort());
  });

  it('exports both, each under its own payload name, with its exact bytes in items.json; a public release keeps only the name\'s', () => {
    const bag = join(work, 'esc-bag');
    const e = evidence(work, 'export', '--archive', 'esc-archive', '--all', '--out', bag);
    expect(e.code, e.err).toBe(0);
    const items = JSON.parse(readFileSync(join(bag, 'evidence', 'items.json'), 'utf8')) as { path: string; sha256: string; originalName: string; sources: Record<string, string>[] }[];
    expect(items).toHaveLength(2);
    expect(new Set(items.map((i) => i.path.toLowerCase())).size).toBe(2);
    const raw = items.find((i) => i.sha256 === sha('raw byte ff'))!;
    expect(raw.originalName).toBe('name_\\xFF.txt');
    expect(raw.sources).toEqual([{ path: `${esc}/name_\\xFF.txt`, name: 'name_\\xFF.txt', pathBytes: b64(rawPath), nameBytes: b64(rawName) }]);
    expect(readFileSync(join(bag, raw.path), 'utf8')).toBe('raw byte ff');
    const lit = items.find((i) => i.sha256 === sha('literal backslash'))!;
    expect(lit.originalName).toBe('name_\\\\xFF.txt');
    expect(readFileSync(join(bag, lit.path), 'utf8')).toBe('literal backslash');
    expectValidBag(bag);

    const pub = join(work, 'esc-public');
    const p = evidence(work, 'export', '--archive', 'esc-archive', '--all', '--redact-people', '--out', pub);
    expect(p.code, p.err).toBe(0);
    const pubItems = JSON.parse(readFileSync(join(pub, 'evidence', 'items.json'), 'utf8')) as { sha256: string; sources: Record<string, string>[] }[];
    expect(pubItems.find((i) => i.sha256 === sha('raw byte ff'))!.sources).toEqual([{ name: 'name_\\xFF.txt', nameBytes: b64(rawName) }]);
    expect(readFileSync(join(pub, 'evidence', 'items.json'), 'utf8')).not.toContain(b64(rawPath));
    expectValidBag(pub);
  });

  it('show prints each sighting by its own display path', () => {
    for (const [content, shown] of [['raw byte ff', `${esc}/name_\\xFF.txt`], ['literal backslash', `${esc}/name_\\\\xFF.txt`]] as const) {
      const r = evidence(work, 'show', sha(content).slice(0, 12), '--archive', 'esc-archive');
      expect(r.code).toBe(0);
      const lines = r.out.split('\n').filter((l) => l.includes('(17 bytes') || l.includes('(11 bytes'));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l).toContain(`  ${shown}  (`);
    }
  });
});

describe('issue 11.1: NFC and NFD spellings, and names differing by case, are distinct files', () => {
  const cyr = join(work, 'cyr');
  mkdirSync(cyr);
  const nfc = '\u0439.txt'; // й
  const nfd = '\u0438\u0306.txt'; // и + combining breve
  const files: [string, string][] = [[nfc, 'NFC й'], [nfd, 'NFD й'], ['Report.txt', 'upper case'], ['report.txt', 'lower case']];
  for (const [n, c] of files) writeFileSync(join(cyr, n), c);

  it('ingests all four as four items, a re-run finds them all by their bytes', () => {
    const r = json<IngestJson>(evidence(work, 'ingest', 'cyr', '--archive', 'cyr-archive', '--json'));
    expect(r.counts).toMatchObject({ added: 4, duplicate: 0, skipped: 0, failed: 0 });
    expect(r.files.map((f) => f.path).sort()).toEqual(files.map(([n]) => join(cyr, n)).sort());
    // Valid UTF-8 without a backslash: the path is the name itself, no pathBytes needed.
    for (const f of r.files) expect(f.pathBytes).toBeUndefined();
    const again = json<IngestJson>(evidence(work, 'ingest', 'cyr', '--archive', 'cyr-archive', '--json'));
    expect(again.counts).toMatchObject({ added: 0, duplicate: 4 });
    for (const f of again.files) expect((f as FileResult & { reason: string }).reason).toMatch(/already ingested from this path/);
  });

  it('the desktop\'s search finds a name by either spelling of what is typed, and each item by its own name', async () => {
    const a = await openArchive(join(work, 'cyr-archive'));
    try {
      const names = (text: string) => queryItems(a.db, { text }, { by: 'name', dir: 'asc' }, new Set()).map((s) => s.name).sort();
      expect(names('\u0439')).toEqual([nfc, nfd].sort());
      expect(names('\u0438\u0306')).toEqual([nfc, nfd].sort());
      expect(names('report')).toEqual(['Report.txt', 'report.txt']);
    } finally {
      await a.close();
    }
  });

  it('exports them to four payload paths that differ even case- and normalization-insensitively, and verify-bag accepts the bag', () => {
    const bag = join(work, 'cyr-bag');
    const e = evidence(work, 'export', '--archive', 'cyr-archive', '--all', '--out', bag);
    expect(e.err.replace(/^warning: no signing key.*\n/mu, '')).toBe('');
    expect(e.code).toBe(0);
    const items = JSON.parse(readFileSync(join(bag, 'evidence', 'items.json'), 'utf8')) as { path: string; sha256: string; originalName: string }[];
    expect(items).toHaveLength(4);
    const fold = (p: string) => p.normalize('NFC').toLowerCase();
    expect(new Set(items.map((i) => fold(i.path))).size).toBe(4);
    for (const [n, c] of files) {
      const it = items.find((i) => i.sha256 === sha(c))!;
      expect(it.originalName).toBe(n);
      expect(readFileSync(join(bag, it.path), 'utf8')).toBe(c);
    }
    expectValidBag(bag);
  });
});
