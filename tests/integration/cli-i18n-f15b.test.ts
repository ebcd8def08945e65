// The hostile tester's report on the CLI in Russian and Kyrgyz (issue 15 §4): verify's failure
// prefixes and option errors, repair's --from refusals, replica refusals and sync failures, errno
// codes, help's "(default: …)", one word for an item, the verify summary when nothing was read,
// a whole-archive copy, a touched file. No English word of the CLI's own and no raw `ns:key`.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setCliLanguage } from '../../electron/cli/i18n/index.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

/** Words a translated line may still hold: names of standards, units, placeholders of commands. */
const ALLOWED = new Set(['SHA', 'ISO', 'NAS', 'DIR', 'FILE', 'REPLICA', 'inode', 'evidence', 'KiB', 'MiB', 'GiB', 'Merkle', 'OK']);

/**
 * The English words left in `text` once what is not prose is taken out: `command lines`, paths,
 * --flags, quoted names, hex digests and file names.
 */
function englishWords(text: string): string[] {
  const prose = text
    .replace(/`[^`]*`/gu, ' ')
    .replace(/"[^"]*"/gu, ' ')
    .replace(/\S*[/.]\S*/gu, ' ')
    .replace(/--[a-z-]+/gu, ' ')
    .replace(/\b[0-9a-f]{12,}\b/gu, ' ');
  return (prose.match(/\b[A-Za-z]{2,}\b/gu) ?? []).filter((w) => !ALLOWED.has(w));
}

/** A raw i18n key ("f15b:scope.since", "verify-scale:failure.head") left in `text`. */
const RAW_KEY = /\b[a-z][\w-]*:[a-z]\w*(\.\w+)+\b/u;

function expectTranslated(text: string): void {
  expect(text.trim()).not.toBe('');
  expect(englishWords(text)).toEqual([]);
  expect(text).not.toMatch(RAW_KEY);
}

/** An archive of `n` small text files; its folder, the source folder and the object file of each item id. */
async function archiveWith(n: number): Promise<{ root: string; dir: string; src: string; A: string[]; object: (id: number) => string }> {
  const root = mkdtempSync(join(tmpdir(), 'cli-i18n-f15b-'));
  const src = join(root, 'исходники');
  mkdirSync(src);
  for (let i = 0; i < n; i++) writeFileSync(join(src, `note-${i}.txt`), `note ${i}\n`);
  const dir = join(root, 'arc');
  const r = await runCli('ingest', src, '--archive', dir, '--operator', 'Айгүл', '--threads', '1', '--no-previews', '--json');
  expect(r.code, r.err).toBe(0);
  const items = JSON.parse((await runCli('list', '--archive', dir, '--json')).out) as { id: number; sha256: string }[];
  const object = (id: number) => {
    const sha = items.find((i) => i.id === id)!.sha256;
    return join(dir, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
  };
  return { root, dir, src, A: ['--archive', dir], object };
}

afterEach(() => setCliLanguage('en'));

describe.each(['ru', 'ky'] as const)('evidence --lang %s', (lang) => {
  it('says verify\'s option errors and an unknown item or reel in its own words', async () => {
    const a = await archiveWith(1);
    for (const bad of [['--since', 'yesterday'], ['--older-than', '9x'], ['--older-than', '99999y'], ['--sample', '200'], ['--item', 'x'], ['--item', '9999'], ['--reel', 'nope']]) {
      const r = await runCli('--lang', lang, 'verify', ...a.A, ...bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expectTranslated(r.err);
      expect(r.err).toContain(bad[0]);
    }
    const repair = await runCli('--lang', lang, 'repair', '9999', ...a.A);
    expect(repair.code).toBe(2);
    expectTranslated(repair.err);
  });

  it('says replica refusals, repair --from refusals and a failed sync in its own words, an item being "материал"', async () => {
    const a = await archiveWith(3);
    for (const args of [['add', join(a.dir, 'inside')], ['add', join(a.root, 'no', 'such', 'r')], ['sync', 'nope'], ['remove', 'nope']]) {
      const r = await runCli('--lang', lang, 'replica', ...args, ...a.A);
      expect(r.code, args.join(' ')).toBe(2);
      expectTranslated(r.err);
    }
    expect((await runCli('replica', 'add', join(a.root, 'r1'), '--name', 'r1', ...a.A)).code).toBe(0);
    rmSync(a.object(2));
    const sync = await runCli('--lang', lang, 'replica', 'sync', 'r1', ...a.A);
    expect(sync.code).toBe(1);
    expectTranslated(sync.out);
    expect(sync.out).toContain('(материал 2)');
    expect(sync.out).not.toMatch(/объект 2/u);

    for (const from of [join(a.root, 'nothing'), a.src]) {
      const r = await runCli('--lang', lang, 'repair', '2', '--from', from, ...a.A);
      expect(r.code).toBe(2);
      expectTranslated(r.err);
    }
    // The wrong file: not "altered", another file than the original. Not one of the ingested
    // notes: ingest numbers items in the order their copies finish, so item 2 may be any of them.
    const other = join(a.root, 'other.txt');
    writeFileSync(other, 'not the original\n');
    const wrong = await runCli('--lang', lang, 'repair', '2', '--from', other, ...a.A);
    expect(wrong.code).toBe(1);
    expectTranslated(wrong.out);
    expect(wrong.out).toContain(lang === 'ru' ? 'другой файл (SHA-256' : 'башка файл (SHA-256');
    expect(wrong.out).toContain('(материал 2)');
  });

  it('says verify\'s failures, a stray object file and what to do about it in its own words', async () => {
    const a = await archiveWith(3);
    appendFileSync(a.object(1), 'x');
    rmSync(a.object(2));
    writeFileSync(join(a.dir, 'objects', 'stray.bin'), 'stray');
    const v = await runCli('--lang', lang, 'verify', ...a.A);
    expect(v.code).toBe(1);
    expectTranslated(v.out);
    expect(v.out).not.toMatch(/FAIL|altered|missing|unexpected/u);
    const lines = v.out.split('\n');
    const stray = lines.findIndex((l) => l.includes('stray.bin'));
    expect(lines[stray + 1]).toMatch(lang === 'ru' ? /^ {6}что делать: / : /^ {6}эмне кылуу керек: /u);
  });

  it('translates the "(default: …)" of option help', async () => {
    for (const args of [['suggest-places', '--help'], ['ingest', '--help'], ['place', 'export', '--help'], ['person', 'export', '--help'], ['key', 'export-public', '--help'], ['tag', '--help']]) {
      const h = await runCli('--lang', lang, ...args);
      expect(h.code).toBe(0);
      const text = h.out.replace(/\s+/gu, ' ');
      expect(text, args.join(' ')).not.toMatch(/\(default:|, default:/u);
      expect(text).toContain(lang === 'ru' ? '(по умолчанию: "' : '(демейки боюнча: "');
    }
  });
});

describe('verify messages', () => {
  it('says how many items were read and how many could not be, after the objects folder is gone', async () => {
    const a = await archiveWith(4);
    rmSync(join(a.dir, 'objects'), { recursive: true });
    const v = await runCli('verify', ...a.A);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/^FAILED: of 4 items, 0 re-hashed \(0 B\), 4 could not be read \(missing or unreadable\), 4 problems$/mu);
    expect(v.out).not.toMatch(/4 of 4 items .* re-hashed/u);
  });

  it('one item is singular in the run\'s scope (ru)', async () => {
    const a = await archiveWith(2);
    const v = await runCli('--lang', 'ru', 'verify', ...a.A, '--item', '2');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^запуск проверки \d+ \(материал 2\):/mu);
  });

  it('a whole-archive copy is one line; a file replaced among unchanged ones is named; a touched one says its time changed', async () => {
    const a = await archiveWith(6);
    expect((await runCli('verify', ...a.A)).code).toBe(0);
    const copy = join(a.root, 'copy');
    execFileSync('cp', ['-a', a.dir, copy]);
    const all = await runCli('verify', '--archive', copy);
    expect(all.code).toBe(0);
    const notes = all.out.split('\n').filter((l) => l.startsWith('NOTE'));
    expect(notes).toEqual(['NOTE 6 items\' object files are other files than at the last check (inodes and times changed) though their content matches: the archive as a whole was copied or restored (a backup, a move to a new disk), not changed item by item']);

    // One file copied over by hand among unchanged ones (a new file renamed over it: a new inode), one only touched.
    const one = a.object(3);
    execFileSync('cp', ['-p', one, `${one}.new`]);
    renameSync(`${one}.new`, one);
    utimesSync(a.object(4), new Date(), new Date(2001, 0, 1));
    const few = await runCli('verify', ...a.A);
    expect(few.code).toBe(0);
    expect(few.out).toMatch(/^NOTE item 3 “note-\d\.txt”: the object file was replaced by another file \(its inode changed\) though its content matches: it was copied over outside the archive$/mu);
    expect(few.out).toMatch(/^NOTE item 4 “note-\d\.txt”: its modification time changed \(content verified unchanged\)$/mu);
    expect(few.out.split('\n').filter((l) => l.startsWith('NOTE'))).toHaveLength(2);
  });
});


describe('verify-bag', () => {
  it('names a changed proof in the custody excerpt as such, not as a problem of the files', async () => {
    const a = await archiveWith(2);
    expect((await runCli('verify', ...a.A)).code).toBe(0);
    const bag = join(a.root, 'bag');
    const ex = await runCli('export', '--item', '1', '2', '--out', bag, ...a.A);
    expect(ex.code, ex.err).toBe(0);
    const file = join(bag, 'evidence', 'custody.json');
    const custody = JSON.parse(readFileSync(file, 'utf8')) as { fixityRuns: { runs: { revealed: { leaf: { outcome: string } }[] }[] } };
    custody.fixityRuns.runs[0]!.revealed[0]!.leaf.outcome = 'altered';
    writeFileSync(file, JSON.stringify(custody, null, 2));
    const v = await runCli('verify-bag', bag);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/a revealed leaf \(an item's SHA-256 or outcome\) or a node of the proof was changed/u);
    expect(v.out).not.toMatch(/an outcome was changed/u);
    expect(v.out).toMatch(/^FAIL custody log excerpt and its proofs \(evidence\/custody\.json\): /mu);
    expect(v.out).not.toMatch(/^FAIL files:/mu);
    const ru = await runCli('--lang', 'ru', 'verify-bag', bag);
    expect(ru.out).toMatch(/^ОШИБКА выписка из журнала хранения и её доказательства \(evidence\/custody\.json\): /mu);
  });
});
