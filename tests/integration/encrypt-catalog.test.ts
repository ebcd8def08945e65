// Issue 13 part 2: a catalog encrypted at rest. After a person is added and an item tagged with
// notes naming them, no byte under the archive folder (catalog, -wal, -shm, journals, tmp/,
// thumbnails) holds the victim's name in any common encoding — checked while a connection still
// holds the -wal open and after every connection closed; a wrong passphrase changes nothing; and
// the commands a documenter uses work on the encrypted archive with the passphrase.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { isEncryptedCatalog } from '../../electron/core/db/cipher.ts';
import { openSealed } from '../../electron/core/derivatives/sealed.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const PASS = 'correct horse — пароль 7';
const NAME_CY = 'Айгерим Токтогулова';
const NAME_LAT = 'Aigerim Toktogulova';
const NOTE = `witness ${NAME_LAT} lives behind the mosque; ${NAME_CY} saw it`;

let root: string;
let arch: string;
let input: string;
const saved = process.env.EVIDENCE_PASSPHRASE;

/** Every regular file under `dir`, recursively (the lock folder and all). */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The needles: both names (and the first name alone) in UTF-8, UTF-16LE and UTF-16BE, any case. */
function needles(): Buffer[] {
  const words = [NAME_CY, NAME_LAT, 'Айгерим', 'Aigerim', 'Toktogulova', 'Токтогулова'];
  const out: Buffer[] = [];
  for (const w of [...words, ...words.map((x) => x.toLowerCase()), ...words.map((x) => x.toUpperCase())]) {
    const le = Buffer.from(w, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    out.push(Buffer.from(w, 'utf8'), le, be);
  }
  return out;
}

/** What `strings` would print: runs of ≥ 4 printable ASCII bytes, and of UTF-8 text, lower-cased. */
function stringsOf(b: Buffer): string[] {
  const text = b.toString('utf8');
  return [...(b.toString('latin1').match(/[\x20-\x7e]{4,}/gu) ?? []), ...(text.match(/[\p{L}\p{N} ]{4,}/gu) ?? [])].map((s) => s.toLowerCase());
}

/** Files under the archive that contain a needle, or whose strings name the person. */
function leaks(): string[] {
  const found: string[] = [];
  const ns = needles();
  for (const f of allFiles(arch)) {
    const b = readFileSync(f);
    if (ns.some((n) => b.includes(n))) found.push(`${relative(arch, f)}: raw bytes`);
    else if (stringsOf(b).some((s) => s.includes('aigerim') || s.includes('toktogul') || s.includes('айгерим') || s.includes('токтогул'))) found.push(`${relative(arch, f)}: strings`);
  }
  return found;
}

function digestTree(dir: string): Record<string, string> {
  return Object.fromEntries(allFiles(dir).sort().map((f) => [relative(dir, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-encrypt-'));
  arch = join(root, 'archive');
  input = join(root, 'in');
  mkdirSync(input);
  // Two pictures with an EXIF caption naming nobody (originals are not encrypted), and a note.
  for (const [i, color] of [[1, '#a33'], [2, '#3a3']] as const) {
    await sharp({ create: { width: 96, height: 64, channels: 3, background: color } }).jpeg().toFile(join(input, `photo${i}.jpg`));
  }
  writeFileSync(join(input, 'statement.txt'), 'a statement without names\n');
  process.env.EVIDENCE_PASSPHRASE = PASS;
});

afterAll(() => {
  if (saved === undefined) delete process.env.EVIDENCE_PASSPHRASE;
  else process.env.EVIDENCE_PASSPHRASE = saved;
  rmSync(root, { recursive: true, force: true });
});

describe('an encrypted archive', () => {
  it('is created encrypted, and the commands work on it with the passphrase', async () => {
    const init = await cliJson<{ encrypted: boolean }>('init', arch, '--encrypt', '--json');
    expect(init.encrypted).toBe(true);
    expect(isEncryptedCatalog(join(arch, 'archive.sqlite'))).toBe(true);
    expect(readFileSync(join(arch, 'archive.sqlite')).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');

    const ing = await runCli('ingest', input, '--archive', arch, '--json');
    expect(ing.code, ing.err).toBe(0);
    const items = await cliJson<{ id: number; sha256: string }[]>('list', '--archive', arch, '--json');
    expect(items).toHaveLength(3);

    const person = await cliJson<{ id: number }>('person', 'add', NAME_CY, '--latin', NAME_LAT, '--archive', arch, '--json');
    const tag = await runCli('tag', String(items[0]!.id), '--person', `${person.id}:witness`, '--notes', NOTE, '--tag', NAME_LAT, '--archive', arch);
    expect(tag.code, tag.err).toBe(0);
    const shown = await runCli('show', String(items[0]!.id), '--archive', arch);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain(NAME_LAT);
    expect((await runCli('person', 'list', '--archive', arch)).out).toContain(NAME_CY);
    const log = await runCli('log', '--archive', arch);
    expect(log.code, log.err).toBe(0);
    expect((await runCli('verify', '--archive', arch)).code).toBe(0);
    const seal = await runCli('seal', '--unsigned', '--archive', arch, '--json');
    expect(seal.code, seal.err).toBe(0);
    const out = join(root, 'bag');
    const exp = await runCli('export', '--all', '--out', out, '--recipient', 'court', '--archive', arch);
    expect(exp.code, exp.err).toBe(0);
    // 5: intact, not fully proven (unsigned, no timestamp): the bag itself is whole.
    const vb = await runCli('verify-bag', out);
    expect(vb.code, vb.err).toBe(5);
    expect(vb.out).toContain('INTACT:');

    // Thumbnails are sealed on disk, and open with the archive's key into a JPEG.
    const a = await openArchive(arch);
    try {
      expect(a.encrypted).toBe(true);
      const thumbs = allFiles(join(arch, 'derivatives', 'thumbs'));
      expect(thumbs.length).toBe(2);
      for (const th of thumbs) {
        const b = readFileSync(th);
        expect(b.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
        expect(openSealed(a.derivativeKey!, b).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      }
    } finally {
      await a.close();
    }
  });

  it('reveals no name to a byte search or `strings`, with the -wal open and after close', async () => {
    // A reader keeps the -wal in place while a writer adds more about the person.
    const reader = await openArchive(arch);
    try {
      const add = await runCli('tag', '1', '--description', `photo of ${NAME_CY}`, '--archive', arch);
      expect(add.code, add.err).toBe(0);
      const wal = join(arch, 'archive.sqlite-wal');
      expect(existsSync(wal) && statSync(wal).size > 0).toBe(true);
      // The plain search must be able to fail: the name is in the reader's decrypted view.
      const tables = reader.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      const plain = tables.map((t) => JSON.stringify(reader.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
      expect(plain).toContain(`photo of ${NAME_CY}`);
      expect(leaks()).toEqual([]);
    } finally {
      await reader.close();
    }
    expect(leaks()).toEqual([]);
    // And the check itself finds a name where it is plainly written.
    writeFileSync(join(arch, 'tmp', 'probe'), Buffer.from(NAME_CY, 'utf16le'));
    expect(leaks()).toEqual(['tmp/probe: raw bytes']);
    rmSync(join(arch, 'tmp', 'probe'));
  });

  it('refuses a wrong or missing passphrase with a clear error, changing no byte', async () => {
    const before = digestTree(arch);
    process.env.EVIDENCE_PASSPHRASE = 'not the passphrase';
    try {
      for (const argv of [['list'], ['tag', '1', '--notes', 'x'], ['ingest', input], ['decrypt'], ['verify']]) {
        const r = await runCli(...argv, '--archive', arch);
        expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
        expect(r.err).toContain(join(arch, 'archive.sqlite'));
        // From the variable: the variable is wrong (catalog-passphrase-messages.test.ts).
        expect(r.err).toContain('the passphrase in the environment variable EVIDENCE_PASSPHRASE does not open this archive\'s catalog');
      }
      delete process.env.EVIDENCE_PASSPHRASE;
      const r = await runCli('list', '--archive', arch);
      expect(r.code).toBe(2);
      expect(r.err).toContain('EVIDENCE_PASSPHRASE');
    } finally {
      process.env.EVIDENCE_PASSPHRASE = PASS;
    }
    // The -shm file is SQLite's shared-memory index of the -wal, rewritten by every reader (its
    // read marks); it holds no catalog content. Everything else is byte for byte as it was.
    const noShm = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => !k.endsWith('-shm')));
    expect(noShm(digestTree(arch))).toEqual(noShm(before));
    expect(Object.keys(digestTree(arch))).toEqual(Object.keys(before));
  });

  it('rekeys, decrypts and encrypts again, keeping every row', async () => {
    const head = (await cliJson<{ chainHead: { seq: number } }>('log', '--archive', arch, '--json')).chainHead.seq;
    process.env.EVIDENCE_NEW_PASSPHRASE = 'second passphrase';
    try {
      const rk = await cliJson<{ encrypted: boolean; custodySeq: number }>('rekey', '--archive', arch, '--json');
      expect(rk.encrypted).toBe(true);
    } finally {
      delete process.env.EVIDENCE_NEW_PASSPHRASE;
    }
    expect((await runCli('list', '--archive', arch)).code).toBe(2); // the old passphrase no longer opens it
    process.env.EVIDENCE_PASSPHRASE = 'second passphrase';
    const dec = await cliJson<{ encrypted: boolean; previewsRemoved: boolean }>('decrypt', '--archive', arch, '--json');
    expect(dec).toMatchObject({ encrypted: false, previewsRemoved: true });
    expect(readFileSync(join(arch, 'archive.sqlite')).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(existsSync(join(arch, 'derivatives', 'thumbs'))).toBe(false);
    delete process.env.EVIDENCE_PASSPHRASE;
    expect((await cliJson<unknown[]>('list', '--archive', arch, '--json'))).toHaveLength(3);
    expect((await cliJson<{ chainHead: { seq: number } }>('log', '--archive', arch, '--json')).chainHead.seq).toBe(head);
    // The plain catalog does name the person: the leak check above could have failed.
    expect(leaks().some((l) => l.startsWith('archive.sqlite'))).toBe(true);
    process.env.EVIDENCE_PASSPHRASE = PASS;
    const enc = await cliJson<{ encrypted: boolean }>('encrypt', '--archive', arch, '--json');
    expect(enc.encrypted).toBe(true);
    expect((await runCli('previews', '--archive', arch)).code).toBe(0);
    expect((await runCli('verify', '--archive', arch)).code).toBe(0);
    expect(leaks()).toEqual([]);
  });
});
