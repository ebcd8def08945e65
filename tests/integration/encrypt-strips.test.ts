// Issue 13 §2, for the derivatives of footage: in an archive whose catalog is encrypted, a video's
// scrub strip and contact sheet (derivatives/filmstrip.ts) are sealed at rest like its poster, so
// no JPEG and no name lies anywhere under derivatives/; the app's media protocol still serves them
// (opened in memory), an export's custody report embeds the sheet opened with the archive's key
// (of the redacted copy, with --redacted-media), and `decrypt` / `encrypt` remove them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { makeMissingThumbnails } from '../../electron/core/derivatives/batch.ts';
import { makeContactSheet, sheetPath, stripPath } from '../../electron/core/derivatives/filmstrip.ts';
import { isSealed, openSealed, writeDerivative } from '../../electron/core/derivatives/sealed.ts';
import { mediaResponse, resolveMedia } from '../../electron/core/media/resolve.ts';
import { clipOf } from '../../electron/core/service/items-query.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const PASS = 'strip passphrase — пароль';
const NAME = 'Aigerim Toktogulova';
const SOI = Buffer.from([0xff, 0xd8, 0xff]);

let root: string;
let arch: string;
let itemId: number;
let sha: string;
const saved = process.env.EVIDENCE_PASSPHRASE;

function allFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Files under `dir` that hold a JPEG: a JPEG start (FF D8 FF) from which sharp decodes a picture.
 * Random ciphertext may hold those three bytes by chance (about once in 16 MB), never a JPEG.
 */
async function jpegsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const f of allFiles(dir)) {
    const b = readFileSync(f);
    for (let i = b.indexOf(SOI); i >= 0; i = b.indexOf(SOI, i + 1)) {
      if (await sharp(b.subarray(i)).raw().toBuffer().then(() => true, () => false)) {
        found.push(relative(dir, f));
        break;
      }
    }
  }
  return found;
}

/** Files under `dir` whose bytes name the person (UTF-8 or UTF-16LE, as written or lower case). */
function namedUnder(dir: string): string[] {
  const ns = [NAME, NAME.toLowerCase(), 'Toktogulova'].flatMap((w) => [Buffer.from(w, 'utf8'), Buffer.from(w, 'utf16le')]);
  return allFiles(dir).filter((f) => { const b = readFileSync(f); return ns.some((n) => b.includes(n)); }).map((f) => relative(dir, f));
}

const solid = (background: string) => sharp({ create: { width: 48, height: 32, channels: 3, background } }).jpeg().toBuffer();

/** The contact sheets embedded in the custody report (HTML) of the bag at `bag`. */
function reportSheets(bag: string): Buffer[] {
  const html = allFiles(bag).find((f) => f.endsWith('custody-report.html'));
  expect(html, 'custody-report.html in the bag').toBeDefined();
  return [...readFileSync(html!, 'utf8').matchAll(/<figure class="sheet"><img [^>]*src="data:image\/jpeg;base64,([^"]+)"/gu)].map((m) => Buffer.from(m[1]!, 'base64'));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-encstrips-'));
  arch = join(root, 'archive');
  const input = join(root, 'in');
  mkdirSync(input);
  // The file is named after the person: the name is in the (encrypted) catalog, and must not
  // appear beside the derivatives (the sheet's header shows it only as pixels, and sealed).
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=192x108:rate=10:duration=2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast',
    join(input, `${NAME} testimony.mp4`)]);
  process.env.EVIDENCE_PASSPHRASE = PASS;
  expect((await cliJson<{ encrypted: boolean }>('init', arch, '--encrypt', '--json')).encrypted).toBe(true);
  const ing = await runCli('ingest', input, '--archive', arch, '--json');
  expect(ing.code, ing.err).toBe(0);
  const items = await cliJson<{ id: number; sha256: string }[]>('list', '--archive', arch, '--json');
  expect(items).toHaveLength(1);
  itemId = items[0]!.id;
  sha = items[0]!.sha256;
}, 60_000);

afterAll(() => {
  if (saved === undefined) delete process.env.EVIDENCE_PASSPHRASE;
  else process.env.EVIDENCE_PASSPHRASE = saved;
  rmSync(root, { recursive: true, force: true });
});

describe('strips and contact sheets in an encrypted archive', () => {
  it('are sealed at rest: no JPEG and no name under derivatives/, and the media protocol serves them', async () => {
    const a = await openArchive(arch, { write: true, passphrase: PASS });
    try {
      // What the app does: the derivatives job after ingest (poster and strip), the Item screen's sheet.
      const r = await makeMissingThumbnails(a);
      expect(r.failures).toEqual([]);
      expect(r.made + r.existing).toBe(1); // the poster (ingest may have made it already)
      expect(r.strips).toEqual({ made: 1, failed: 0 });
      const clip = clipOf(a.db, itemId)!;
      expect(clip.name).toBe(`${NAME} testimony.mp4`);
      await makeContactSheet(a, clip);

      const der = a.derivativesDir;
      const files = allFiles(der).map((f) => relative(der, f)).sort();
      expect(files).toEqual([relative(der, sheetPath(der, sha)), relative(der, stripPath(der, sha)), `thumbs/${sha.slice(0, 2)}/${sha}.jpg`].sort());
      for (const f of allFiles(der)) expect(isSealed(readFileSync(f)), f).toBe(true);
      expect(await jpegsUnder(der)).toEqual([]);
      expect(namedUnder(der)).toEqual([]);
      // Nor anywhere else in the archive (catalog, -wal, tmp/; the original carries no title).
      expect(namedUnder(arch)).toEqual([]);
      // The checks can fail: the opened sheet is a JPEG, and a plain one is found.
      const plainSheet = openSealed(a.derivativeKey!, readFileSync(sheetPath(der, sha)));
      writeFileSync(join(der, 'probe.bin'), Buffer.concat([Buffer.from('x'), plainSheet, Buffer.from(NAME)]));
      expect(await jpegsUnder(der)).toEqual(['probe.bin']);
      expect(namedUnder(der)).toEqual(['probe.bin']);
      rmSync(join(der, 'probe.bin'));

      // The evidence-media protocol opens them in memory: whole JPEGs of the right size.
      const headers = { get: () => null };
      for (const [variant, width, height] of [['strip', 3200, 180], ['sheet', 1280, 662], ['thumb', null, null]] as const) {
        const res = await mediaResponse({ url: `evidence-media://${variant}/${itemId}`, headers }, (ref) => resolveMedia(a, ref));
        expect(res.status, variant).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/jpeg');
        const body = Buffer.from(await res.arrayBuffer());
        expect(body.subarray(0, 3)).toEqual(SOI);
        expect(Number(res.headers.get('content-length'))).toBe(body.length);
        const m = await sharp(body).metadata();
        if (width) expect([m.width, m.height], variant).toEqual([width, height]);
      }
    } finally {
      await a.close();
    }
  }, 60_000);

  it('puts the sealed sheet, opened with the key, into the custody report (the redacted copy\'s with --redacted-media)', async () => {
    // Marker sheets, sealed where the report looks: what it embeds shows which file it opened.
    const a = await openArchive(arch, { write: true, passphrase: PASS });
    const marker = await solid('#c00');
    try {
      mkdirSync(dirname(sheetPath(a.derivativesDir, sha)), { recursive: true });
      await writeDerivative(sheetPath(a.derivativesDir, sha), marker, a.derivativeKey);
    } finally {
      await a.close();
    }
    const bag = join(root, 'bag');
    const exp = await runCli('export', '--all', '--contact-sheets', '--out', bag, '--recipient', 'court', '--archive', arch);
    expect(exp.code, exp.err).toBe(0);
    expect(reportSheets(bag)).toEqual([marker]);

    // A redacted copy: the report describes the copy, so its sheet must be the copy's, never the original's.
    writeFileSync(join(root, 'boxes.json'), JSON.stringify([{ x: 0, y: 0, w: 96, h: 54 }]));
    const red = await runCli('redact', String(itemId), '--blur-regions', join(root, 'boxes.json'), '--json', '--archive', arch);
    expect(red.code, red.err).toBe(0);
    const copySha = (JSON.parse(red.out) as { derivative: { sha256: string } }[])[0]!.derivative.sha256;
    expect(copySha).not.toBe(sha);
    const b = await openArchive(arch, { write: true, passphrase: PASS });
    const copyMarker = await solid('#00c');
    try {
      mkdirSync(dirname(sheetPath(b.derivativesDir, copySha)), { recursive: true });
      await writeDerivative(sheetPath(b.derivativesDir, copySha), copyMarker, b.derivativeKey);
    } finally {
      await b.close();
    }
    // With the file names kept, the sheet stored for the copy is used as is.
    const bag2 = join(root, 'bag-redacted');
    const exp2 = await runCli('export', '--all', '--redacted-media', '--keep-file-names', '--contact-sheets', '--out', bag2, '--recipient', 'court', '--archive', arch);
    expect(exp2.code, exp2.err).toBe(0);
    expect(reportSheets(bag2)).toEqual([copyMarker]);
    // By default a set of redacted copies withholds file names, and a stored sheet has one drawn in: the copy's sheet is made anew.
    const bag3 = join(root, 'bag-redacted-nameless');
    const exp3 = await runCli('export', '--all', '--redacted-media', '--contact-sheets', '--out', bag3, '--recipient', 'court', '--archive', arch);
    expect(exp3.code, exp3.err).toBe(0);
    const fresh = reportSheets(bag3);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.equals(copyMarker)).toBe(false);
    expect([(await sharp(fresh[0]!).metadata()).width, (await sharp(fresh[0]!).metadata()).height]).toEqual([1280, 662]);
  }, 90_000);

  it('`decrypt` and `encrypt` remove strips and sheets with the thumbnails', async () => {
    expect(allFiles(join(arch, 'derivatives', 'strips'))).toHaveLength(1);
    const dec = await cliJson<{ encrypted: boolean; previewsRemoved: boolean }>('decrypt', '--archive', arch, '--json');
    expect(dec).toMatchObject({ encrypted: false, previewsRemoved: true });
    for (const d of ['thumbs', 'strips', 'sheets']) expect(existsSync(join(arch, 'derivatives', d)), d).toBe(false);
    // Plain archive: made plain, and found by the JPEG check.
    const a = await openArchive(arch, { write: true });
    try {
      expect(a.derivativeKey).toBeNull();
      expect((await makeMissingThumbnails(a)).strips.made).toBe(1);
    } finally {
      await a.close();
    }
    expect((await jpegsUnder(join(arch, 'derivatives', 'strips'))).length).toBe(1);
    const enc = await cliJson<{ encrypted: boolean; previewsRemoved: boolean }>('encrypt', '--archive', arch, '--json');
    expect(enc).toMatchObject({ encrypted: true, previewsRemoved: true });
    expect(await jpegsUnder(join(arch, 'derivatives'))).toEqual([]);
    expect(allFiles(join(arch, 'derivatives'))).toEqual([]);
  }, 60_000);
});
