// Issue 13, "Done when": a public release made with `--redacted-media` from the real corpus
// carries photos and videos with no GPS, serial or embedded thumbnail and no detectable face, and
// the videos' audio is unchanged; the report says which original each derives from.
// Real camera files (JPEG, HEIC, PNG, WebP with GPS, serials and thumbnails), the photos with
// faces, two camera videos with audio and a video with speech and faces made from the crowd
// photo; the copies are made by `export --redacted-media --redact-missing` with the real face
// detector; the set is signed, sealed and time-stamped (test key, test TSA) and verify-bag passes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../electron/core/derivatives/ffmpeg.ts';
import { detectFaces } from '../../electron/core/redact/faces.ts';
import { createKey } from '../../electron/core/signing/keystore.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

const FACES = join(SHARED_DIR, 'fixtures', 'faces');
const PHOTOS = [
  'metadata-extractor-images/jpg/Sony DSC-HX5V (2).jpg', // GPS
  'metadata-extractor-images/jpg/Nikon D5000.jpg', // GPS, serial, thumbnail
  'exifr/heic-iphone7.heic', // GPS
  'exifr/png/png_with_exif_and_gps.png', // GPS in a PNG eXIf chunk
  'immich-test-assets/denali.webp', // serial, thumbnail
].map((p) => join(MEDIA_DIR, p));
const FACE_PHOTOS = ['city.jpg', 'portrait.jpg', 'portrait-orientation-6.jpg'].map((p) => join(FACES, p));
const VIDEOS = [
  'metadata-extractor-images/mov/with-gps.mov', // QuickTime GPS, AAC
  'metadata-extractor-images/mp4/ftyp3gp5.mp4', // 720p, AAC
  // The GoPro clip (GPMF telemetry with GPS) is stripped and checked in redact-strip.test.ts;
  // blurring its 315 frames here would add minutes and test nothing more.
].map((p) => join(MEDIA_DIR, p));
const HAVE = HAS_CORPUS && [...PHOTOS, ...FACE_PHOTOS, ...VIDEOS].every((p) => existsSync(p));

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const exif = (p: string) => (JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', '-ee', p], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, unknown>[])[0]!;
/** Tag names that would carry a position, a device serial, an owner or a thumbnail. */
const LEAK = /GPS|Serial|OwnerName|Artist|Author|MakerNote|Thumbnail|PreviewImage|Location|CameraOwner|UserComment/u;
const leaks = (p: string) => Object.keys(exif(p)).filter((k) => !/^(ExifTool|System|File|Composite):/u.test(k) && LEAK.test(k));
const audioMd5 = (p: string) => execFileSync(ffmpegPath(), ['-v', 'error', '-i', p, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();
const isVideo = (p: string) => /\.(mp4|mov)$/iu.test(p);

async function rgb(input: string | Buffer) {
  const { data, info } = await sharp(input).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Four frames spread over a video, decoded upright. */
async function sampledFrames(p: string): Promise<{ sec: number; frame: Awaited<ReturnType<typeof rgb>> }[]> {
  const dur = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', p], { encoding: 'utf8' }).trim());
  const out = [];
  for (const sec of [0.1, 0.37, 0.63, 0.9].map((f) => Math.round(f * dur * 100) / 100)) {
    const png = execFileSync(ffmpegPath(), ['-v', 'error', '-ss', String(sec), '-i', p, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-']);
    out.push({ sec, frame: await rgb(png) });
  }
  return out;
}

interface Entry { sha256: string; path: string; mime: string; gps: unknown; serial: unknown; make: unknown; redactedFrom: { sha256: string }; redaction: { blurFaces: boolean; stripMetadata: boolean } }

describe.skipIf(!HAVE)('a public release with redacted media, from the real corpus', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-release-corpus-'));
  const archive = join(work, 'archive');
  const bag = join(work, 'public');
  const saved = { ...process.env };
  let tsa: TestTsa;
  let caFile = '';
  let fingerprint = '';
  const originals: string[] = [];
  let entries: Entry[] = [];

  beforeAll(async () => {
    process.env.EVIDENCE_KEYS_DIR = join(work, 'keys');
    process.env.EVIDENCE_KEY_PASSPHRASE = 'a passphrase for tests';
    process.env.EVIDENCE_OPERATOR = 'A. Usenova';
    delete process.env.EVIDENCE_KEY;
    delete process.env.EVIDENCE_TSA;
    tsa = await startTestTsa();
    caFile = join(work, 'tsa-ca.pem');
    writeFileSync(caFile, tsa.caPem);
    fingerprint = (await createKey({ name: 'Usenova', passphrase: 'a passphrase for tests', dir: join(work, 'keys'), scrypt: { log2N: 14, r: 8, p: 1 } })).fingerprint;

    // A testimony video: a slow zoom on the street crowd, with speech (flite when the system
    // ffmpeg has it, as SOURCES.md suggests; else a tone), AAC in MP4.
    const made = join(work, 'made');
    mkdirSync(made);
    const speech = join(made, 'speech.wav');
    const flite = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', "flite=text='They stopped us at the checkpoint on Tuesday morning.'", '-t', '3', speech]);
    if (flite.status !== 0) execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', speech]);
    const testimony = join(made, 'testimony.mp4');
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-framerate', '25', '-i', join(FACES, 'city.jpg'), '-i', speech,
      '-vf', "zoompan=z='1+0.003*on':d=1:s=800x564:fps=25,scale=640:452,format=yuv420p", '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', testimony]);
    originals.push(...PHOTOS, ...FACE_PHOTOS, ...VIDEOS, testimony);

    expect((await runCli('init', archive)).code).toBe(0);
    const ing = await runCli('ingest', ...originals, '--archive', archive);
    expect(ing.code, ing.err).toBe(0);
    const ex = await runCli('export', '--archive', archive, '--all', '--redact-people', '--redacted-media', '--redact-missing', '--out', bag, '--tsa', tsa.url, '--json');
    expect(ex.code, ex.err).toBe(0);
    entries = JSON.parse(readFileSync(join(bag, 'evidence', 'items.json'), 'utf8')) as Entry[];
  }, 900_000);

  afterAll(async () => {
    await tsa?.close();
    process.env = saved;
    rmSync(work, { recursive: true, force: true });
  });

  it('ships a redacted copy of every item and no original, each naming its original by SHA-256', () => {
    const payload = readdirSync(join(bag, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(payload).toHaveLength(originals.length);
    const originalShas = originals.map(sha);
    for (const f of payload) {
      expect(f).toMatch(/\.redacted\.(jpg|png|webp|mov|mp4)$/u);
      expect(originalShas).not.toContain(sha(f));
    }
    expect(entries.map((e) => e.redactedFrom.sha256).sort()).toEqual([...originalShas].sort());
    for (const e of entries) {
      expect(sha(join(bag, e.path))).toBe(e.sha256);
      expect([e.gps, e.serial, e.make, e.redaction.stripMetadata, e.redaction.blurFaces]).toEqual([null, null, null, true, true]);
    }
    const csv = readFileSync(join(bag, 'evidence', 'items.csv'), 'utf8');
    const report = readFileSync(join(bag, 'evidence', 'custody-report.html'), 'utf8');
    for (const s of originalShas) {
      expect(csv).toContain(s);
      expect(report).toContain(s);
    }
    expect(report).toContain('Redacted copy of');
  });

  it('carries no GPS, serial, owner or embedded thumbnail in any file', () => {
    // the originals did (the check can fail)
    expect(originals.filter((p) => leaks(p).length > 0).length).toBeGreaterThanOrEqual(6);
    for (const e of entries) expect({ file: e.path, leaks: leaks(join(bag, e.path)) }).toEqual({ file: e.path, leaks: [] });
  });

  it('keeps every video\'s audio packets bit-identical', () => {
    const videos = entries.filter((e) => e.mime.startsWith('video/'));
    expect(videos).toHaveLength(VIDEOS.length + 1);
    for (const e of videos) {
      const original = originals.find((p) => sha(p) === e.redactedFrom.sha256)!;
      expect(isVideo(original)).toBe(true);
      expect(audioMd5(join(bag, e.path))).toMatch(/^MD5=[0-9a-f]{32}$/u);
      expect({ file: e.path, md5: audioMd5(join(bag, e.path)) }).toEqual({ file: e.path, md5: audioMd5(original) });
    }
  });

  it('leaves no face for the detector in the photos or the sampled video frames', { timeout: 600_000 }, async () => {
    // the originals had faces (the check can fail)
    expect((await detectFaces(await rgb(join(FACES, 'city.jpg')))).length).toBeGreaterThanOrEqual(10);
    for (const e of entries) {
      const file = join(bag, e.path);
      if (e.mime.startsWith('image/')) {
        expect({ file: e.path, faces: await detectFaces(await rgb(file), { minConfidence: 0.2 }) }).toEqual({ file: e.path, faces: [] });
      } else {
        for (const { sec, frame } of await sampledFrames(file)) {
          expect({ file: e.path, sec, faces: await detectFaces(frame, { tiles: false, tiny: false, minConfidence: 0.2 }) }).toEqual({ file: e.path, sec, faces: [] });
        }
      }
    }
  });

  it('is valid for verify-bag: signed with the pinned key, sealed, time-stamped', async () => {
    const r = await runCli('verify-bag', bag, '--json', '--tsa-ca', caFile, '--expect-key', fingerprint);
    const report = JSON.parse(r.out) as { verdict: { level: string }; checks: { name: string; ok: boolean }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.verdict.level).toBe('valid');
    expect(r.code).toBe(0);
  });
});
