// Face blurring speed for `npm run bench`: frames per second of blurVideoFaces on a 720p and a
// 1080p clip made from the street-crowd photo in shared/fixtures/faces (a slow zoom, 3 s at 25
// fps, AAC tone), and photo milliseconds per megapixel of blurPhotoFaces on the three photos.
// Skipped (with a line saying so) when the fixtures are absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { ffmpegPath } from '../electron/core/derivatives/ffmpeg.ts';
import { blurPhotoFaces, loadFaceApi } from '../electron/core/redact/faces.ts';
import { blurVideoFaces } from '../electron/core/redact/video-faces.ts';

export interface FacesBench {
  /** Per clip: frames, wall-clock frames per second, and this process's CPU seconds per frame (ffmpeg's decode and encode run in their own processes, beside it). */
  video: { what: string; frames: number; fps: number; cpuMsPerFrame: number; every: number }[];
  photoMsPerMp: number;
  /** Loading tfjs and both detectors, once per process (not in the figures above). */
  loadMs: number;
}

/** Runs the face-blurring figures in `root`; null when shared/fixtures/faces is absent. */
export async function benchFaces(root: string): Promise<FacesBench | null> {
  const dir = resolve(process.env.EVIDENCE_SHARED_DIR ?? '../shared', 'fixtures', 'faces');
  if (!existsSync(join(dir, 'city.jpg'))) return null;
  const out = join(root, 'faces');
  mkdirSync(out, { recursive: true });
  const video: FacesBench['video'] = [];
  const t0 = performance.now();
  await loadFaceApi();
  const loadMs = performance.now() - t0;
  for (const [w, h] of [[1280, 720], [1920, 1080]] as const) {
    const clip = join(out, `city-${h}p.mp4`);
    if (!existsSync(clip)) {
      execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-framerate', '25', '-i', join(dir, 'city.jpg'), '-f', 'lavfi', '-i', 'sine=frequency=300:duration=3',
        '-vf', `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h},zoompan=z='1+0.002*on':d=1:s=${w}x${h}:fps=25,format=yuv420p`,
        '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', clip]);
    }
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await blurVideoFaces(clip, join(out, `city-${h}p.blurred.mp4`));
    const s = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(c);
    const n = r.log.frames.length;
    const every = Number(/every (\d+)th frame/u.exec(r.log.detector.strategy)?.[1] ?? 0);
    video.push({ what: `${h}p`, frames: n, fps: n / s, cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / n, every });
  }
  let ms = 0;
  let mp = 0;
  for (const f of ['city.jpg', 'portrait.jpg', 'portrait-orientation-6.jpg']) {
    const m = await sharp(join(dir, f)).metadata();
    const t = performance.now();
    await blurPhotoFaces(join(dir, f));
    ms += performance.now() - t;
    mp += ((m.width ?? 0) * (m.height ?? 0)) / 1e6;
  }
  return { video, photoMsPerMp: ms / mp, loadMs };
}

/** Prints the figures as lines and a table. */
export function printFaces(r: FacesBench | null): void {
  if (!r) {
    console.log('\nface blurring: shared/fixtures/faces not found (set EVIDENCE_SHARED_DIR): skipped');
    return;
  }
  console.log('\n| face blurring | frames | speed | CPU of this process |\n|---|---|---|---|');
  for (const v of r.video) console.log(`| video ${v.what} (25 fps, detection every ${v.every}th frame on a ≤640 px copy) | ${v.frames} | ${v.fps.toFixed(1)} fps | ${v.cpuMsPerFrame.toFixed(0)} ms a frame (${(1000 / v.cpuMsPerFrame).toFixed(1)} fps a core) |`);
  console.log(`| photos (3 real photos, with re-check) | — | ${r.photoMsPerMp.toFixed(0)} ms per megapixel | |`);
  console.log(`| loading the detectors (once per process) | — | ${r.loadMs.toFixed(0)} ms | |`);
}

// `node bin/run-ts.mjs bench/faces.ts` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) printFaces(await benchFaces(resolve(process.env.EVIDENCE_BENCH_DIR ?? '.bench')));
