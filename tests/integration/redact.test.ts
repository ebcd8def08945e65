// `evidence redact` on a real archive of real camera files (issue 13 §1–2): every derivative read
// back by exiftool shows no GPS, serial, owner name, maker note or thumbnail; originals keep their
// bytes; a PREMIS `redaction` event on the original names the copy and what was removed without a
// removed value; the same request twice reuses the copy; `show` and `redact --log` list what was
// made; `verify` counts derivatives as recorded content. Face blurring goes through a stand-in for
// the face module (injected through runRedact), so the pipeline around it is what is tested here.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRedact } from '../../electron/cli/commands/redact.ts';
import type { FaceTools } from '../../electron/core/redact/face-port.ts';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createKey } from '../../electron/core/signing/keystore.ts';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM } from '../e2e/chromium.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { HAS_CORPUS, MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-redact-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FILES = {
  iphone: join(MEDIA_DIR, 'metadata-extractor-images/jpg/Apple iPhone 4.jpg'),
  canon: join(MEDIA_DIR, 'exif-samples/canon_hdr_NO.jpg'),
  png: join(MEDIA_DIR, 'exifr/png/png_with_exif_and_gps.png'),
  heic: join(MEDIA_DIR, 'exifr/heic-iphone7.heic'),
  mov: join(MEDIA_DIR, 'metadata-extractor-images/mov/with-gps.mov'),
  gopro: join(MEDIA_DIR, 'gpmf-parser/max-heromode.mp4'),
  portrait: join(SHARED_DIR, 'fixtures/faces/portrait-orientation-6.jpg'),
  tanners: join(MEDIA_DIR, 'immich-test-assets/tanners_ridge.jpg'),
};

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const objectFile = (s: string) => join(archive, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);
const exif = (p: string) => (JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', '-ee', p], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, unknown>[])[0]!;
const LEAK = /^(?!ICC|System|File|ExifTool)[^:]*:.*(?:GPS|Serial|OwnerName|Artist|Author|Copyright|MakerNote|Thumbnail|PreviewImage|MPImage|IPTC|Comment|Make$|Model$|Software|Location|Apple|Canon|GoPro)/u;
const leaks = (p: string) => Object.keys(exif(p)).filter((k) => LEAK.test(k));
const audioMd5 = (p: string) => execFileSync('ffmpeg', ['-v', 'error', '-i', p, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();

/** Every object-store file and its SHA-256, to show that originals never change. */
function storeHashes(): Map<string, string> {
  const root = join(archive, 'objects');
  return new Map(readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => [e.name, sha(join(e.parentPath, e.name))]));
}

/** A stand-in face module: blurs a fixed "detected" box and the given regions on the upright picture; video: blurs every frame, copies audio. */
const stubFaces: FaceTools = {
  async blurPhotoFaces(input, opts) {
    const img = sharp(readFileSync(input)).rotate();
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    const boxes = [{ x: 10, y: 10, w: 40, h: 40, score: 0.9, source: 'detector' as const }, ...(opts.regions ?? []).map((r) => ({ ...r, score: 1, source: 'manual' as const }))];
    let pic = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    const patches = await Promise.all(boxes.map(async (b) => ({
      input: await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .extract({ left: b.x, top: b.y, width: Math.min(b.w, info.width - b.x), height: Math.min(b.h, info.height - b.y) }).blur(20).png().toBuffer(),
      left: b.x, top: b.y,
    })));
    pic = pic.composite(patches);
    return { image: await pic.jpeg({ quality: 85 }).toBuffer(), format: 'jpeg', log: { detector: { name: 'stub', version: '0', model: 'none', minConfidence: 0.5, strategy: 'stand-in' }, frames: [{ index: 0, boxes }] } };
  },
  async blurVideoFaces(input, output) {
    execFileSync('ffmpeg', ['-v', 'error', '-i', input, '-map', '0:V', '-map', '0:a?', '-vf', 'boxblur=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'copy', '-map_metadata', '-1', '-f', 'mp4', output]);
    return { log: { detector: { name: 'stub', version: '0', model: 'none', minConfidence: 0.5, strategy: 'stand-in' }, frames: [{ index: 0, timeSec: 0, boxes: [{ x: 0, y: 0, w: 8, h: 8, score: 1, source: 'detector' }] }] }, fps: 100 };
  },
};

const ids: Record<string, number> = {};
let before: Map<string, string>;

interface Made { item: number; original: string; reused: boolean; event?: number; derivative: { sha256: string; mime: string; settings: Record<string, unknown>; detectionLog: string | null; removed: { metadataGroups: string[]; metadataTags: string[]; blurredBoxes: number } } }
interface Ev { seq: number; type: string; item: string | null; detail: Record<string, unknown> }

describe.skipIf(!HAS_CORPUS)('evidence redact on the real corpus', () => {
  beforeAll(() => {
    expect(runCli(['init', archive]).code).toBe(0);
    const r = runCliJson<{ files: { path: string; itemId?: number; status: string }[] }>(['ingest', ...Object.values(FILES), ...A, '--json']);
    for (const [k, p] of Object.entries(FILES)) ids[k] = r.json.files.find((f) => f.path === p)!.itemId!;
    before = storeHashes();
  }, 120_000);

  it('strips every photo and video format losslessly where it can, nothing left for exiftool to find', () => {
    for (const k of ['iphone', 'canon', 'png', 'heic', 'mov', 'gopro'] as const) {
      const r = runCliJson<Made[]>(['redact', String(ids[k]), '--strip-metadata', '--json', ...A]);
      expect(r.code, `${k}: ${r.stderr}`).toBe(0);
      const d = r.json[0]!.derivative;
      const file = objectFile(d.sha256);
      expect(sha(file)).toBe(d.sha256);
      expect(leaks(file), `${k}: ${JSON.stringify(leaks(file))}`).toEqual([]);
      expect(d.removed.metadataGroups.length, k).toBeGreaterThan(0);
      if (k === 'heic') expect(d.mime).toBe('image/jpeg');
      if (k === 'mov' || k === 'gopro') expect(audioMd5(file)).toBe(audioMd5(FILES[k]));
    }
  }, 120_000);

  it('records a redaction event on the original that names the copy, not a removed value', () => {
    const log = runCliJson<{ events: Ev[] }>(['log', '--item', String(ids.iphone), '--json', ...A]).json.events;
    const ev = log.find((e) => e.type === 'redaction')!;
    expect(ev.item).toBe(sha(FILES.iphone));
    const detail = ev.detail as { derivative: { sha256: string }; tool: { name: string }; removed: { metadataTags: string[] }; settings: Record<string, unknown> };
    expect(detail.tool.name).toBe('Evidence Archive redact');
    expect(detail.removed.metadataTags).toEqual(expect.arrayContaining(['GPS:GPSLatitude', 'IFD0:Make']));
    expect(detail.settings).toMatchObject({ stripMetadata: true, blurFaces: false, date: 'keep' });
    // The iPhone 4 photo is at 41.853000, 12.488833 (expected.json): neither number, in any form, is in the event.
    const text = JSON.stringify(ev);
    for (const v of ['41.85', '12.48', '41,51', 'Apple', 'iPhone 4']) expect(text).not.toContain(v);
    const words = runCli(['log', '--item', String(ids.iphone), ...A]).stdout;
    expect(words).toMatch(/redaction .*Redacted copy/u);
  });

  it('the same request twice reuses the copy; another date policy makes another', () => {
    const again = runCliJson<Made[]>(['redact', String(ids.iphone), '--strip-metadata', '--json', ...A]).json[0]!;
    expect(again.reused).toBe(true);
    expect(again.event).toBeUndefined();
    const month = runCliJson<Made[]>(['redact', String(ids.iphone), '--strip-metadata', '--coarsen-date', 'month', '--json', ...A]).json[0]!;
    expect(month.reused).toBe(false);
    expect(exif(objectFile(month.derivative.sha256))['XMP-photoshop:DateCreated']).toBe('2011:01');
    const events = runCliJson<{ events: Ev[] }>(['log', '--item', String(ids.iphone), '--type', 'redaction', '--json', ...A]).json.events;
    expect(events).toHaveLength(2);
  });

  it('blurs faces (stand-in detector) and drawn regions, keeps the detection log, lists both in show', async () => {
    const regions = join(work, 'regions.json');
    writeFileSync(regions, JSON.stringify([{ x: 100, y: 200, w: 80, h: 60, label: 'name on the door' }]));
    let out = '';
    const io = { out: (t: string) => { out += t; }, err: () => {}, isTTY: false, signal: new AbortController().signal };
    const code = await runRedact([String(ids.portrait)], { archive, blurFaces: true, blurRegions: regions, mode: 'pixelate', json: true }, io, { faces: async () => stubFaces });
    expect(code).toBe(0);
    const made = (JSON.parse(out) as Made[])[0]!;
    expect(made.derivative.removed.blurredBoxes).toBe(2);
    expect(made.derivative.detectionLog).toMatch(/^[0-9a-f]{64}$/u);
    const file = objectFile(made.derivative.sha256);
    // Upright now: the stored 700×840 Orientation 6 picture is 840×700 and carries no Orientation.
    const m = await sharp(file).metadata();
    expect([m.width, m.height, m.orientation]).toEqual([840, 700, undefined]);
    const log = runCliJson<{ log: { frames: { boxes: { source: string }[] }[] } }>(['redact', '--log', String(ids.portrait), ...A]).json;
    expect(log.log.frames[0]!.boxes.map((b) => b.source)).toEqual(['detector', 'manual']);
    // The label a person typed stays in the catalog; the custody event only counts the regions.
    const ev = runCliJson<{ events: Ev[] }>(['log', '--item', String(ids.portrait), '--type', 'redaction', '--json', ...A]).json.events[0]!;
    expect(JSON.stringify(ev)).not.toContain('name on the door');
    expect((ev.detail.settings as { regions: number }).regions).toBe(1);
    const show = runCli(['show', String(ids.portrait), ...A]).stdout;
    expect(show).toMatch(/redacted copies:\n {2}\S+ {2}[0-9a-f]{64} {2}image\/jpeg .*blur faces \(pixelate, 1 drawn regions\)/u);
    const json = runCliJson<{ derivatives: { sha256: string }[] }>(['show', String(ids.portrait), '--json', ...A]).json;
    expect(json.derivatives.map((d) => d.sha256)).toEqual([made.derivative.sha256]);
  });

  it('blurs a video through the face module and keeps its audio packets', async () => {
    let out = '';
    const io = { out: (t: string) => { out += t; }, err: () => {}, isTTY: false, signal: new AbortController().signal };
    expect(await runRedact([String(ids.mov)], { archive, blurFaces: true, json: true }, io, { faces: async () => stubFaces })).toBe(0);
    const made = (JSON.parse(out) as Made[])[0]!;
    const file = objectFile(made.derivative.sha256);
    expect(audioMd5(file)).toBe(audioMd5(FILES.mov));
    expect(leaks(file)).toEqual([]);
  }, 60_000);

  it('refuses what it cannot redact and bad options, with exit 2', () => {
    expect(runCli(['redact', String(ids.iphone), ...A]).code).toBe(2);
    expect(runCli(['redact', String(ids.iphone), '--strip-metadata', '--keep-date', '--drop-date', ...A]).code).toBe(2);
    expect(runCli(['redact', String(ids.iphone), '--strip-metadata', '--coarsen-date', 'week', ...A]).code).toBe(2);
    const bad = join(work, 'bad.json');
    // (A negative x is a box partly off the edge, clipped: redact-regions-fit.test.ts.)
    writeFileSync(bad, '[{"x": 1, "y": 0, "w": 0, "h": 5}]');
    const r = runCli(['redact', String(ids.iphone), '--blur-regions', bad, ...A]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('w must be a number ≥ 1');
  });

  it('never changes an original, and verify counts the copies as recorded content', () => {
    const after = storeHashes();
    for (const [name, h] of before) expect(after.get(name)).toBe(h);
    for (const [name, h] of after) expect(name).toBe(h); // every object, original or derivative, at its own address
    const v = runCli(['verify', ...A]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('export --redacted-media refuses items without a redacted copy, listing them', () => {
    const r = runCli(['export', '--item', String(ids.iphone), String(ids.tanners), '--redacted-media', '--out', join(work, 'refused'), ...A]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`item ${ids.tanners} `);
    expect(r.stderr).not.toContain(`item ${ids.iphone} `);
  });

  it('a signed public release with --redacted-media ships copies that carry no GPS, names their originals, and verifies', async () => {
    const bag = join(work, 'public');
    const keys = { EVIDENCE_KEYS_DIR: join(work, 'keys'), EVIDENCE_KEY_PASSPHRASE: 'a passphrase for tests' };
    const key = await createKey({ name: 'Usenova', passphrase: keys.EVIDENCE_KEY_PASSPHRASE, dir: keys.EVIDENCE_KEYS_DIR, scrypt: { log2N: 14, r: 8, p: 1 } });
    const chosen = ['iphone', 'canon', 'png', 'heic', 'mov', 'gopro', 'portrait'] as const;
    const r = runCli(['export', '--item', ...chosen.map((k) => String(ids[k])), '--redacted-media', '--redact-people', '--out', bag, '--json', ...A], keys);
    expect(r.code, r.stderr).toBe(0);
    // Signed and sealed: the seal's proof covers the originals' events, which the copies stand for.
    const v = runCliJson<{ valid: boolean; problems: unknown[] }>(['verify-bag', bag, '--expect-key', key.fingerprint, '--json']).json;
    expect(v.problems).toEqual([]);
    expect(v.valid).toBe(true);
    const seal = (v as unknown as { checks: { name: string; ok: boolean; detail: string }[] }).checks.find((c) => c.name === 'custody seal')!;
    expect(seal.ok).toBe(true);
    expect(seal.detail).toContain('the proof shows no event about these items was removed');
    // The set's own VERIFY.html, in Chromium, agrees: nothing fails.
    if (HAS_CHROMIUM) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const p = await (await browser.newContext({ locale: 'en-US' })).newPage();
        await p.goto(pathToFileURL(join(bag, 'VERIFY.html')).href);
        await p.getByTestId('folder-input').setInputFiles(bag);
        const verdict = p.getByTestId('verdict');
        await verdict.waitFor({ timeout: 30_000 });
        expect(await p.locator('#checks > li[data-status="fail"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')))).toEqual([]);
        expect(await verdict.getAttribute('data-verdict')).toBe('intact-unproven');
      } finally {
        await browser.close();
      }
    }
    const payload = readdirSync(join(bag, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(payload).toHaveLength(chosen.length);
    for (const f of payload) {
      expect(f).toMatch(/\.redacted\.(jpg|png|mov|mp4)$/u);
      expect(leaks(f), `${f}: ${JSON.stringify(leaks(f))}`).toEqual([]);
      expect(Object.values(FILES).map(sha)).not.toContain(sha(f)); // no original shipped
    }
    const items = JSON.parse(readFileSync(join(bag, 'evidence/items.json'), 'utf8')) as { sha256: string; gps: unknown; serial: unknown; make: unknown; redactedFrom: { sha256: string }; redaction: { stripMetadata: boolean } }[];
    expect(items.map((i) => i.redactedFrom.sha256).sort()).toEqual(chosen.map((k) => sha(FILES[k])).sort());
    for (const i of items) expect([i.gps, i.serial, i.make, i.redaction.stripMetadata]).toEqual([null, null, null, true]);
    // The iPhone 4's position (41.853000, 12.488833) and the Canon owner are nowhere in the set's text.
    for (const f of ['evidence/items.json', 'evidence/items.csv', 'evidence/custody.json', 'evidence/custody-report.html', 'bag-info.txt']) {
      const text = readFileSync(join(bag, f), 'utf8');
      // Not preceded by a digit or ':' — a time of day such as 13:50:12.489Z is no position.
      expect(text, f).not.toMatch(/(?<![\d:])(?:41\.85|12\.48)/u);
    }
    const report = readFileSync(join(bag, 'evidence/custody-report.html'), 'utf8');
    expect(report).toContain('Redacted copy of');
    expect(report).toContain(sha(FILES.iphone));
    expect(readFileSync(join(bag, 'bag-info.txt'), 'utf8')).toMatch(/^Evidence-Redacted-Media: 7 items under data\/ are redacted copies/mu);

    // A copy whose items.json claims another original is caught.
    const forged = join(work, 'forged');
    cpSync(bag, forged, { recursive: true });
    const swapped = items.map((i, n) => (n === 0 ? { ...i, redactedFrom: { ...i.redactedFrom, sha256: items[1]!.redactedFrom.sha256 } } : i));
    writeFileSync(join(forged, 'evidence/items.json'), JSON.stringify(swapped, null, 2) + '\n');
    const f = runCliJson<{ valid: boolean; problems: { reason: string }[] }>(['verify-bag', forged, '--json']).json;
    expect(f.valid).toBe(false);
    expect(f.problems.map((p) => p.reason).join('\n')).toContain('holds no "redaction" event of that original recording this copy');
  }, 120_000);
});
