// Bad input never stops a run and never loses a file: zero-byte, truncated, wrong extension,
// unreadable, non-ASCII and very long names, hidden/system files.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_BIN, runCli, runCliJson } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

interface FileResult { path: string; status: string; reason?: string; sha256?: string; kind?: string; warnings?: string[] }
interface Report { counts: Record<string, number>; files: FileResult[] }

const work = mkdtempSync(join(tmpdir(), 'ea-bad-'));
const card = join(work, 'DCIM');
const archive = join(work, 'archive');
const longName = `${'д'.repeat(120)}.jpg`; // 242 bytes of UTF-8: near the 255-byte limit of ext4
let report: Report;
let code: number;
let unreadableSupported = true;

const byName = (name: string) => report.files.find((f) => f.path.endsWith(`/${name}`));

beforeAll(async () => {
  mkdirSync(card, { recursive: true });
  mkdirSync(join(card, '.Trashes', '501'), { recursive: true });
  writeFileSync(join(card, '.Trashes', '501', 'deleted.jpg'), 'deleted in Finder, still on the card');
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a04030' } })
    .withExif({ IFD0: { Make: 'TestCam', Model: 'T-1', DateTime: '2021:05:04 10:15:00' } }).jpeg().toBuffer();
  writeFileSync(join(card, 'good.jpg'), jpeg);
  writeFileSync(join(card, 'zero.jpg'), Buffer.alloc(0));
  writeFileSync(join(card, 'truncated.jpg'), jpeg.subarray(0, 300));
  writeFileSync(join(card, 'photo.mp4'), Buffer.concat([jpeg, Buffer.from('v')])); // a JPEG wearing a video extension
  mkdirSync(join(card, 'copy'));
  writeFileSync(join(card, 'copy', 'good-again.jpg'), jpeg); // same content twice in one run
  writeFileSync(join(card, 'notes.jpg'), 'These are field notes, not a photo.\n');
  writeFileSync(join(card, 'Көк-Таш мектеп №2.jpg'), Buffer.concat([jpeg, Buffer.from('x')]));
  writeFileSync(join(card, longName), Buffer.concat([jpeg, Buffer.from('yy')]));
  writeFileSync(join(card, '.DS_Store'), 'x');
  writeFileSync(join(card, '._good.jpg'), 'x');
  writeFileSync(join(card, 'Thumbs.db'), Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)])); // OLE, as Windows writes it
  writeFileSync(join(card, 'locked.jpg'), Buffer.concat([jpeg, Buffer.from('zzz')]));
  chmodSync(join(card, 'locked.jpg'), 0o000);
  const asRoot = process.getuid?.() === 0;
  let r;
  if (asRoot) {
    // Root reads any file regardless of mode, so the run is made as an unprivileged user.
    chmodSync(work, 0o777);
    for (const d of [card]) chmodSync(d, 0o777);
    const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', '1']);
    unreadableSupported = probe.status === 0;
    r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, EVIDENCE_BIN, 'ingest', card, '--archive', archive, '--json'],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, EVIDENCE_OPERATOR: 'test-operator', HOME: work } });
  } else {
    r = spawnSync(process.execPath, [EVIDENCE_BIN, 'ingest', card, '--archive', archive, '--json'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, EVIDENCE_OPERATOR: 'test-operator' } });
  }
  code = r.status ?? -1;
  report = JSON.parse(r.stdout) as Report;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ingest of a card with bad files', () => {
  it('fails only the unreadable file, names it and the reason, and exits 1', () => {
    expect(unreadableSupported).toBe(true);
    const locked = byName('locked.jpg')!;
    expect(locked.status).toBe('failed');
    expect(locked.reason).toContain(join(card, 'locked.jpg'));
    expect(locked.reason).toMatch(/EACCES|permission denied/i);
    expect(report.files.filter((f) => f.status === 'failed').map((f) => f.reason)).toEqual([locked.reason]);
    expect(code).toBe(1);
  });

  it('keeps a zero-byte file and a text file named .jpg as kind other, with warnings', () => {
    expect(byName('zero.jpg')).toMatchObject({ status: 'added', kind: 'other', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(byName('notes.jpg')).toMatchObject({ status: 'added', kind: 'other' });
    expect(byName('notes.jpg')!.warnings!.join()).toMatch(/no known media format/);
  });

  it('types by content: a JPEG named .mp4 is an image; a truncated JPEG is kept and hashed', () => {
    expect(byName('photo.mp4')).toMatchObject({ status: 'added', kind: 'image' });
    const t = byName('truncated.jpg')!;
    expect(t.status).toBe('added');
    const sha = spawnSync('sha256sum', [join(card, 'truncated.jpg')], { encoding: 'utf8' }).stdout.split(' ')[0];
    expect(t.sha256).toBe(sha);
  });

  it('stores the same content seen twice in one run once, with both sightings', () => {
    const a = byName('good.jpg')!;
    const b = byName('good-again.jpg')!;
    expect([a.status, b.status].sort()).toEqual(['added', 'duplicate']);
    expect(a.sha256).toBe(b.sha256);
    const show = runCliJson<{ sightings: { name: string }[] }>(['show', a.sha256!.slice(0, 12), '--archive', archive, '--json']).json;
    expect(show.sightings.map((s) => s.name).sort()).toEqual(['good-again.jpg', 'good.jpg']);
  });

  it('keeps non-ASCII and very long names as sightings', () => {
    expect(byName('Көк-Таш мектеп №2.jpg')!.status).toBe('added');
    expect(byName(longName)!.status).toBe('added');
    const list = runCliJson<{ sources: { name: string }[] }[]>(['list', '--archive', archive, '--json']).json;
    const names = list.flatMap((i) => i.sources.map((s) => s.name));
    expect(names).toContain('Көк-Таш мектеп №2.jpg');
    expect(names).toContain(longName);
  });

  it('skips hidden and system files and folders and says so', () => {
    for (const n of ['.DS_Store', '._good.jpg', 'Thumbs.db', '.Trashes/501/deleted.jpg']) {
      const f = byName(n)!;
      expect(f.status, n).toBe('skipped');
      expect(f.reason).toBeTruthy();
    }
    // Files in a trash folder are said to be deleted but still there (issue 14 D4): compare blocks on them.
    expect(byName('.Trashes/501/deleted.jpg')!.reason).toMatch(/deleted on the card but still there; not ingested/);
  });

  it('never modifies a source file', () => {
    const st = statSync(join(card, 'good.jpg'));
    expect(st.mode & 0o777).not.toBe(0o444);
    expect(readFileSync(join(card, 'good.jpg')).length).toBeGreaterThan(300);
  });

  it('names the first five files under one identical warning and counts the rest (human output)', () => {
    const notes = join(work, 'notes');
    mkdirSync(notes);
    for (let i = 1; i <= 8; i++) writeFileSync(join(notes, `note-${i}.txt`), `interview note ${i}\n`);
    const r = runCli(['ingest', notes, '--archive', join(work, 'notes-archive')]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(6);
    expect(warnings.slice(0, 5).every((l) => /^warning: .*note-\d\.txt: content matches no known media format/u.test(l))).toBe(true);
    expect(warnings[5]).toMatch(/^warning: 3 more files with the same warning: content matches no known media format .*\(--json lists each\)$/u);
  });

  it('refuses an unknown digest algorithm as a usage error (exit 2)', () => {
    const r = runCli(['ingest', card, '--archive', join(work, 'other'), '--digests', 'sha256,crc32']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown algorithm "crc32"/);
  });

  it('keeps files whose names are not UTF-8 (CP1251 from old Windows tools), shown with \\xNN escapes', () => {
    const dir = join(work, 'cp1251');
    mkdirSync(dir);
    const cp1251Folder = Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0xd4, 0xee, 0xf2, 0xee])]); // "Фото"
    mkdirSync(cp1251Folder);
    const name = Buffer.concat([cp1251Folder, Buffer.from('/'), Buffer.from([0xf8, 0xea, 0xee, 0xeb, 0xe0]), Buffer.from('.jpg')]); // "школа.jpg"
    writeFileSync(name, 'not really a photo, but evidence all the same');
    const a = join(work, 'cp1251-archive');
    const r = runCliJson<Report>(['ingest', dir, '--archive', a, '--json']);
    expect(r.code).toBe(0);
    expect(r.json.files).toHaveLength(1);
    expect(r.json.files[0]).toMatchObject({ status: 'added', path: `${dir}/\\xD4\\xEE\\xF2\\xEE/\\xF8\\xEA\\xEE\\xEB\\xE0.jpg` });
    const sha = spawnSync('sha256sum', [], { input: readFileSync(name) , encoding: 'utf8' }).stdout.split(' ')[0];
    expect(r.json.files[0]!.sha256).toBe(sha);
    const bag = join(work, 'cp1251-bag');
    expect(runCli(['export', '--archive', a, '--all', '--out', bag]).code).toBe(0);
    expect(runCli(['verify-bag', bag]).code).toBe(5); // intact, but unsigned (no key in the tests): exit 5
    // A file slipped into a received bag under a non-UTF-8 name is reported, not a crash.
    writeFileSync(Buffer.concat([Buffer.from(join(bag, 'data') + '/'), Buffer.from([0x6c, 0x61, 0x74, 0xe9])]), 'x');
    const v = runCli(['verify-bag', bag]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/INVALID/);
    expect(v.stdout).toMatch(/name is probably not UTF-8/);
  });

  it('user mistakes about paths are usage errors (exit 2) with a message, not internal errors', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [['ingest', join(card, 'good.jpg'), '--archive', file], /exists and is not a folder/],
      [['verify-bag', join(work, 'no-such-bag')], /no such folder/],
      [['verify-bag', join(work, 'bag.zip')], /no such folder/],
      [['list', '--archive', join(work, 'no-archive-here')], /not an Evidence Archive/],
    ];
    writeFileSync(join(work, 'sent.zip'), 'PK');
    cases.push([['verify-bag', join(work, 'sent.zip')], /is a zipped bag: unzip it first/]);
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it('a reader closing the pipe early (list | head) is not an error', () => {
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(EVIDENCE_BIN)} list --archive ${JSON.stringify(archive)} | head -1; exit \${PIPESTATUS[0]}`], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.status).toBe(0);
  });

  it('a missing input path is a failed file, not a crash', () => {
    const copy = join(work, 'single.jpg');
    copyFileSync(join(card, 'good.jpg'), copy);
    const r = runCliJson<Report>(['ingest', copy, join(work, 'no-such-folder'), '--archive', join(work, 'a2'), '--json']);
    expect(r.code).toBe(1);
    expect(r.json.counts).toMatchObject({ added: 1, failed: 1 });
    expect(r.json.files.find((f) => f.status === 'failed')!.reason).toMatch(/no-such-folder: no such file or folder/);
  });
});

describe('an archive named through a symbolic link is still the archive being ingested into', () => {
  // Each case has its own card, and a link to it, so that no case sees another's archive.
  const setUp = (name: string) => {
    const dir = join(work, name);
    const c = join(dir, 'card');
    mkdirSync(c, { recursive: true });
    writeFileSync(join(c, 'a.txt'), `evidence from ${name}\n`);
    symlinkSync(c, join(dir, 'lnk'));
    return { c, lnk: join(dir, 'lnk') };
  };
  const underArchive = (r: Report, dirs: string[]) => r.files.filter((f) => dirs.some((d) => f.path.startsWith(d + '/')));

  it('a folder holding the archive, with the archive named through a link to that folder', () => {
    const { c, lnk } = setUp('link-archive');
    const r = runCliJson<Report>(['ingest', c, '--archive', join(lnk, 'arch'), '--json']);
    expect(underArchive(r.json, [join(c, 'arch'), join(lnk, 'arch')])).toEqual([]); // archive.sqlite, its -wal/-shm, the lock owner
    expect(r.json.files.find((f) => f.path === join(c, 'arch'))).toMatchObject({ status: 'skipped', reason: 'this is the archive being ingested into' });
    expect(r.json.counts).toMatchObject({ added: 1, skipped: 1, failed: 0 });
    expect(r.code).toBe(0);
  });

  it('a link to the folder holding the archive, given as the input', () => {
    const { c, lnk } = setUp('link-input');
    const r = runCliJson<Report>(['ingest', lnk, '--archive', join(c, 'arch'), '--json']);
    expect(underArchive(r.json, [join(c, 'arch'), join(lnk, 'arch')])).toEqual([]);
    expect(r.json.files.find((f) => f.path === join(lnk, 'arch'))).toMatchObject({ status: 'skipped', reason: 'this is the archive being ingested into' });
    expect(r.json.counts).toMatchObject({ added: 1, skipped: 1, failed: 0 });
    expect(r.code).toBe(0);
  });

  it('an input inside the archive, reached through a link', () => {
    const { c, lnk } = setUp('link-inside');
    expect(runCli(['init', join(c, 'arch')]).code).toBe(0);
    const r = runCliJson<Report>(['ingest', join(lnk, 'arch'), join(lnk, 'arch', 'archive.sqlite'), '--archive', join(c, 'arch'), '--json']);
    expect(r.json.files.map((f) => [f.path, f.status, f.reason])).toEqual([
      [join(lnk, 'arch'), 'skipped', 'inside the archive being ingested into: originals come from outside it'],
      [join(lnk, 'arch', 'archive.sqlite'), 'skipped', 'inside the archive being ingested into: originals come from outside it'],
    ]);
    expect(r.code).toBe(0);
  });
});

describe('an archive the user may only read (read-only media, a received copy)', () => {
  it('can be listed and verified; the check is said to be unrecorded', () => {
    const asNobody = (args: string[]) => process.getuid?.() === 0
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, EVIDENCE_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, HOME: work } })
      : spawnSync(process.execPath, [EVIDENCE_BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    const ro = join(work, 'received-copy');
    spawnSync('cp', ['-r', archive, ro]);
    spawnSync('chmod', ['-R', 'a+rX,go-w', ro]);
    if (process.getuid?.() !== 0) chmodSync(ro, 0o555); // as a normal user, a folder without write permission is the same situation
    const list = asNobody(['list', '--archive', ro, '--json']);
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout).length).toBeGreaterThan(5);
    const v = asNobody(['verify', '--archive', ro]);
    expect(v.stderr).toMatch(/read-only here; the fixity check runs but cannot be recorded/);
    expect(v.stdout).toMatch(/^OK: /m);
    expect(v.status).toBe(0);
  });
});
