// `node bin/run-ts.mjs bench/seed-footage.ts DIR N`: a new archive at DIR holding N synthetic items
// that look like a filmmaker's footage, for the Library's speed in the window (bench/library-ui.ts,
// tests/e2e/library-10k.test.ts): clips and photos from six cameras on twenty cards (reels) over two
// months, durations, frame rates, codecs, resolutions, places, tags, GPS, and thumbnails on disk so
// that tiles draw pictures. The thumbnails are a few real previews (from the media corpus when it is
// present, else pictures drawn here) hard-linked under each item's SHA-256: a tile costs the window
// what a real one does, with no original on disk (these items have no objects). DIR must not exist.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { openArchive } from '../electron/core/archive.ts';
import { thumbnailPath } from '../electron/core/derivatives/thumbnails.ts';

/** The cameras of the synthetic footage: make, model, what it shoots, its file names. */
const CAMERAS = [
  { make: 'Sony', model: 'ILCE-7SM3', video: 0.7, name: (n: number) => `C${String(n % 10_000).padStart(4, '0')}` },
  { make: 'Canon', model: 'Canon EOS C70', video: 0.95, name: (n: number) => `A001C${String(n % 1000).padStart(3, '0')}_211105_R1AB` },
  { make: 'Apple', model: 'iPhone 13 Pro', video: 0.4, name: (n: number) => `IMG_${String(n % 10_000).padStart(4, '0')}` },
  { make: 'DJI', model: 'FC3411', video: 0.6, name: (n: number) => `DJI_${String(n % 10_000).padStart(4, '0')}` },
  { make: 'GoPro', model: 'HERO10 Black', video: 0.9, name: (n: number) => `GX01${String(n % 10_000).padStart(4, '0')}` },
  { make: 'Panasonic', model: 'DC-GH5', video: 0.5, name: (n: number) => `P10${String(n % 100_000).padStart(5, '0')}` },
] as const;
/** Gazetteer places (seeded in every new archive) the items are tagged to. */
const PLACES = ['kok-tash-batken', 'ak-sai', 'maksat', 'samarkandek', 'batken'];
const TAGS = ['interview', 'damage', 'checkpoint', 'школа', 'дом'];
const REELS = 20;
const DAYS = 60;

/** What seedFootageArchive made, for tests to compute what the window must show. */
export interface FootageSeed {
  items: number;
  /** "Make Model" of each camera as the filter bar lists it (items-query.ts camera()). */
  cameras: string[];
  places: string[];
  reels: string[];
  /** Items with a thumbnail on disk. */
  withThumbs: number;
  seconds: number;
}

/** A few 320 px previews as JPEG bytes: from the corpus' photos when `mediaDir` has them, else drawn. */
async function previews(mediaDir: string | undefined): Promise<{ wide: Buffer[]; photo: Buffer[] }> {
  const jpgDir = mediaDir ? join(mediaDir, 'metadata-extractor-images', 'jpg') : '';
  const sources = jpgDir && existsSync(jpgDir) ? readdirSync(jpgDir).filter((f) => /\.jpe?g$/iu.test(f)).sort().slice(0, 6).map((f) => join(jpgDir, f)) : [];
  const make = async (src: string | null, i: number, w: number, h: number) => {
    const img = src
      ? sharp(src, { failOn: 'none' }).rotate()
      // No corpus: a gradient with a band of noise, so each preview is a real, distinct JPEG.
      : sharp({ create: { width: w, height: h, channels: 3, background: { r: 40 + i * 30, g: 90 + i * 20, b: 160 - i * 15 }, ...(i % 2 ? { noise: { type: 'gaussian' as const, mean: 128, sigma: 40 } } : {}) } });
    return img.resize(w, h, { fit: 'cover' }).jpeg({ quality: 75 }).toBuffer();
  };
  const n = Math.max(sources.length, 4);
  const wide: Buffer[] = [];
  const photo: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const src = sources.length ? sources[i % sources.length]! : null;
    wide.push(await make(src, i, 320, 180));
    photo.push(await make(src, i, 320, 240));
  }
  return { wide, photo };
}

/**
 * Creates the archive `dir` holding `n` synthetic footage items and returns what it made. Item i
 * (1-based) is, in fixed proportions: a video for most cameras' share, else a photo, an audio file
 * every 40th and a PDF every 97th; captured on one of 60 days from 2021-09-01 (several per day,
 * times spread over the day); on reel A001…A020 (500 items each at 10,000); at place PLACES[i % 5]
 * when i % 3 == 0; tagged TAGS[i % 5] when i % 4 == 0; with GPS when i % 2 == 1; with a thumbnail
 * unless audio, a PDF, or a video with i % 25 == 0 ("not made yet"). The reel A007's last run
 * missed a file (the incomplete-card badge). `mediaDir` is the corpus folder for the previews.
 */
export async function seedFootageArchive(dir: string, n: number, opts: { mediaDir?: string } = {}): Promise<FootageSeed> {
  if (existsSync(dir)) throw new Error(`${dir}: exists; give a new folder`);
  const t = performance.now();
  const pics = await previews(opts.mediaDir);
  const a = await openArchive(dir, { create: true });
  let withThumbs = 0;
  const reelNames = Array.from({ length: REELS }, (_, r) => `A${String(r + 1).padStart(3, '0')}`);
  try {
    const db = a.db;
    const item = db.prepare(`INSERT INTO items (id, sha256, bytes, mime, kind, make, model, captured_at, gps_lat, gps_lon, has_gps, record, raw_metadata, ingested_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')`);
    const reel = db.prepare(`INSERT INTO reels (id, name, name_source, root_path, root_bytes, created_at, created_run) VALUES (?, ?, 'given', ?, ?, '2026-01-01T00:00:00Z', 'seed')`);
    const run = db.prepare(`INSERT INTO reel_runs (reel_id, run_id, root_path, root_bytes, started_at, files, missing) VALUES (?, 'seed', ?, ?, '2026-01-01T00:00:00Z', ?, ?)`);
    const sighting = db.prepare(`INSERT INTO sightings (item_id, source_path, file_name, path_bytes, bytes, mtime, mtime_ns, ino, ctime_ns, operator, host, ingested_at, run_id, reel_id)
      VALUES (?, ?, ?, ?, ?, '2021-11-05T08:00:00.000Z', '1636099200000000000', ?, '1636099200000000000', 'A. Usenova', 'field-laptop', '2026-01-01T00:00:00Z', 'seed', ?)`);
    const place = db.prepare('INSERT INTO item_places (item_id, place_id) VALUES (?, ?)');
    const tag = db.prepare('INSERT INTO item_tags (item_id, tag) VALUES (?, ?)');
    const thumbs: [string, Buffer][] = [];
    db.transaction(() => {
      const perReel = Math.ceil(n / REELS);
      reelNames.forEach((name, r) => {
        const root = `/media/${name}`;
        reel.run(r + 1, name, root, Buffer.from(root));
        run.run(r + 1, root, Buffer.from(root), perReel, name === 'A007' ? 1 : 0);
      });
      for (let i = 1; i <= n; i++) {
        const cam = CAMERAS[i % CAMERAS.length]!;
        // Fixed pseudo-random fractions per item (two unrelated ones: were the time of day drawn
        // from the same one as the kind, each day would start with its photos).
        const u = (Math.imul(i, 0x9e3779b1) >>> 0) / 2 ** 32;
        const v = (Math.imul(i ^ 0x5bd1e995, 0x85ebca6b) >>> 0) / 2 ** 32;
        const kind = i % 97 === 0 ? 'document' : i % 40 === 0 ? 'audio' : u < cam.video ? 'video' : 'image';
        const sha256 = createHash('sha256').update(`footage ${i}`).digest('hex');
        const day = Math.floor(((i - 1) / n) * DAYS);
        const date = new Date(Date.UTC(2021, 8, 1 + day, 6, 0, 0) + Math.floor(v * 14 * 3600) * 1000 + i);
        const capturedAt = date.toISOString().slice(0, 19);
        const gps = i % 2 ? { lat: 39.9 + (u - 0.5) * 0.2, lon: 70.6 + (u - 0.5) * 0.4 } : null;
        const video = kind === 'video';
        const uhd = i % 3 === 0;
        const [width, height] = video ? (uhd ? [3840, 2160] : [1920, 1080]) : kind === 'image' ? [6000, 4000] : [null, null];
        const fps = video ? (['25/1', '30000/1001', '50/1', '24000/1001'] as const)[i % 4] : null;
        const codec = video ? (['h264', 'hevc', 'prores'] as const)[i % 3] : null;
        const durationSec = video ? Math.round((5 + u * 600) * 100) / 100 : kind === 'audio' ? Math.round(30 + u * 1800) : null;
        const ext = video ? (cam.make === 'Apple' ? 'MOV' : 'MP4') : kind === 'image' ? (cam.make === 'Apple' ? 'HEIC' : 'JPG') : kind === 'audio' ? 'WAV' : 'PDF';
        const name = `${cam.name(i)}.${ext}`;
        const mime = { MOV: 'video/quicktime', MP4: 'video/mp4', HEIC: 'image/heic', JPG: 'image/jpeg', WAV: 'audio/wav', PDF: 'application/pdf' }[ext];
        const bytes = video ? Math.round(durationSec! * (uhd ? 12_500_000 : 6_250_000)) : kind === 'image' ? 8_000_000 + i : 2_000_000 + i;
        const record = {
          sha256, bytes, mime, kind, make: cam.make, model: cam.model, serial: null, serialSource: null, capturedAt, capturedAtSource: video ? 'QuickTime CreationDate' : 'EXIF DateTimeOriginal',
          capturedAtHasZone: false, otherDates: [], gps: gps ? { ...gps, alt: 812.4, source: 'EXIF GPS IFD' } : null, orientation: 1, width, height, durationSec, codec,
        };
        const raw = video ? JSON.stringify({ ffprobe: { streams: [{ codec_type: 'video', codec_name: codec, avg_frame_rate: fps }, { codec_type: 'audio', codec_name: 'aac' }] } }) : null;
        item.run(i, sha256, bytes, mime, kind, cam.make, cam.model, capturedAt, gps?.lat ?? null, gps?.lon ?? null, gps ? 1 : 0, JSON.stringify(record), raw);
        const r = Math.min(REELS, Math.floor((i - 1) / perReel) + 1);
        const path = `/media/${reelNames[r - 1]}/${video ? 'PRIVATE/M4ROOT/CLIP' : 'DCIM/100MEDIA'}/${name}`;
        sighting.run(i, path, name, Buffer.from(path), bytes, String(2_000_000 + i), r);
        if (i % 3 === 0) place.run(i, PLACES[i % PLACES.length]);
        if (i % 4 === 0) tag.run(i, TAGS[i % TAGS.length]);
        if ((video && i % 25 !== 0) || kind === 'image') thumbs.push([sha256, (video ? pics.wide : pics.photo)[i % pics.wide.length]!]);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    // One file per preview, hard-linked under every SHA-256 that shows it (copied where the file
    // system refuses links): 9,000 thumbnails cost a few files' worth of disk.
    const firsts = new Map<Buffer, string>();
    for (const [sha, jpeg] of thumbs) {
      const p = thumbnailPath(a.derivativesDir, sha);
      mkdirSync(dirname(p), { recursive: true });
      const first = firsts.get(jpeg);
      if (!first) {
        await sharp(jpeg).toFile(p);
        firsts.set(jpeg, p);
      } else {
        try {
          linkSync(first, p);
        } catch {
          copyFileSync(first, p);
        }
      }
      withThumbs++;
    }
  } finally {
    await a.close();
  }
  return {
    items: n, cameras: CAMERAS.map((c) => (c.model.toLowerCase().startsWith(c.make.toLowerCase()) ? c.model : `${c.make} ${c.model}`)),
    places: PLACES, reels: reelNames, withThumbs, seconds: (performance.now() - t) / 1000,
  };
}

if (process.argv[1]?.endsWith('seed-footage.ts')) {
  const [dir, n] = process.argv.slice(2);
  if (!dir || !Number.isInteger(Number(n))) {
    console.error('usage: node bin/run-ts.mjs bench/seed-footage.ts DIR N');
    process.exit(2);
  }
  const s = await seedFootageArchive(dir, Number(n), { mediaDir: process.env.EVIDENCE_SHARED_DIR ? join(process.env.EVIDENCE_SHARED_DIR, 'fixtures', 'media') : undefined });
  console.log(`${dir}: ${s.items.toLocaleString('en')} items (${s.withThumbs.toLocaleString('en')} with thumbnails) in ${s.seconds.toFixed(1)} s`);
}
