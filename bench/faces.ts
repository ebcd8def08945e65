// Face blurring speed for `npm run bench`: frames per second of blurVideoFaces on a 720p and a
// 1080p clip made from the street-crowd photo in shared/fixtures/faces (a slow zoom, 3 s at 25
// fps, AAC tone), and photo milliseconds per megapixel of blurPhotoFaces on the three photos.
// Then what searching turned pictures costs (--orientations): the 720p clip upright and turned
// 180° (faces upside down) under each policy, and the photos upright-only, as ratios to upright.
// Skipped (with a line saying so) when the fixtures are absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { ffmpegPath } from '../electron/core/derivatives/ffmpeg.ts';
import { blurPhotoFaces, loadFaceApi, type OrientationPolicy } from '../electron/core/redact/faces.ts';
import { blurVideoFaces } from '../electron/core/redact/video-faces.ts';

export interface FacesBench {
  /** Per clip: frames, wall-clock frames per second, and this process's CPU seconds per frame (ffmpeg's decode and encode run in their own processes, beside it). */
  video: { what: string; frames: number; fps: number; cpuMsPerFrame: number; every: number }[];
  photoMsPerMp: number;
  /** Loading tfjs and both detectors, once per process (not in the figures above). */
  loadMs: number;
  /** The 720p clip as shot and turned 180°, under each orientation policy: frames per second, and the ratio of time to the upright policy on the same clip. */
  orientations: { clip: 'upright' | 'turned 180°'; policy: OrientationPolicy; fps: number; timeRatio: number; cpuRatio: number; turnedBoxes: number }[];
  /** The three photos searched upright only (the default searches all four turns). */
  photoUprightMsPerMp: number;
  /** CPU time of this process for the photos, default (all four turns) against upright only. */
  photoCpuRatio: number;
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
  const clips: Record<number, string> = {};
  for (const [w, h] of [[1280, 720], [1920, 1080]] as const) {
    const clip = crowdClip(dir, out, w, h);
    clips[h] = clip;
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await blurVideoFaces(clip, join(out, `city-${h}p.blurred.mp4`));
    const s = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(c);
    const n = r.log.frames.length;
    const every = Number(/every (\d+)th frame/u.exec(r.log.detector.strategy)?.[1] ?? 0);
    video.push({ what: `${h}p`, frames: n, fps: n / s, cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / n, every });
  }
  const orient = await benchOrientations(dir, out, clips[720]!);
  let ms = 0;
  let mp = 0;
  const c0 = process.cpuUsage();
  for (const f of ['city.jpg', 'portrait.jpg', 'portrait-orientation-6.jpg']) {
    const m = await sharp(join(dir, f)).metadata();
    const t = performance.now();
    await blurPhotoFaces(join(dir, f));
    ms += performance.now() - t;
    mp += ((m.width ?? 0) * (m.height ?? 0)) / 1e6;
  }
  const photoCpu = process.cpuUsage(c0);
  const up = await photosUpright(dir);
  return { video, photoMsPerMp: ms / mp, loadMs, orientations: orient, photoUprightMsPerMp: up.ms / mp, photoCpuRatio: (photoCpu.user + photoCpu.system) / up.cpuUs };
}

/** The street crowd as a slow zoom, w × h, 3 s at 25 fps with an AAC tone (made once in `out`). */
function crowdClip(dir: string, out: string, w: number, h: number): string {
  const clip = join(out, `city-${h}p.mp4`);
  if (!existsSync(clip)) {
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-framerate', '25', '-i', join(dir, 'city.jpg'), '-f', 'lavfi', '-i', 'sine=frequency=300:duration=3',
      '-vf', `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h},zoompan=z='1+0.002*on':d=1:s=${w}x${h}:fps=25,format=yuv420p`,
      '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', clip]);
  }
  return clip;
}

/** The three photos blurred with faces searched upright only: wall milliseconds and CPU microseconds of this process. */
async function photosUpright(dir: string): Promise<{ ms: number; cpuUs: number }> {
  let ms = 0;
  const c = process.cpuUsage();
  for (const f of ['city.jpg', 'portrait.jpg', 'portrait-orientation-6.jpg']) {
    const t = performance.now();
    await blurPhotoFaces(join(dir, f), { orientations: 'upright' });
    ms += performance.now() - t;
  }
  const cpu = process.cpuUsage(c);
  return { ms, cpuUs: cpu.user + cpu.system };
}

/**
 * The 720p crowd clip `clip720` (first 1.5 s) as shot and turned 180°, blurred under each
 * orientation policy: speed, wall and CPU time against upright only on the same clip, and how
 * many boxes were found at a turn.
 */
export async function benchOrientations(dir: string, out: string, clip720: string): Promise<FacesBench['orientations']> {
  // its first 1.5 s as shot, and turned upside down (a camera held upside down): there the probe
  // finds the turned faces and then searches that turn on every detection frame
  const shot = join(out, 'city-720p-1.5s.mp4');
  const turned = join(out, 'city-720p-1.5s-180.mp4');
  for (const [f, vf] of [[shot, 'null'], [turned, 'hflip,vflip']] as const) {
    if (!existsSync(f)) execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', clip720, '-t', '1.5', '-vf', vf, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'copy', f]);
  }
  const orientations: FacesBench['orientations'] = [];
  for (const [what, clip] of [['upright', shot], ['turned 180°', turned]] as const) {
    let [base, baseCpu] = [0, 0];
    for (const policy of ['upright', 'probe', 'all'] as const) {
      const t = performance.now();
      const c = process.cpuUsage();
      const r = await blurVideoFaces(clip, join(out, `orient-${policy}.mp4`), { orientations: policy });
      const s = (performance.now() - t) / 1000;
      const cu = process.cpuUsage(c);
      const cpu = cu.user + cu.system;
      if (policy === 'upright') [base, baseCpu] = [s, cpu];
      const turnedBoxes = r.log.frames.reduce((k, f) => k + f.boxes.filter((b) => b.orientation !== undefined && b.orientation !== 0).length, 0);
      orientations.push({ clip: what, policy, fps: r.log.frames.length / s, timeRatio: s / base, cpuRatio: cpu / baseCpu, turnedBoxes });
    }
  }
  return orientations;
}

/** Prints the figures as lines and a table. */
export function printFaces(r: FacesBench | null): void {
  if (!r) {
    console.log('\nface blurring: shared/fixtures/faces not found (set EVIDENCE_SHARED_DIR): skipped');
    return;
  }
  console.log('\n| face blurring | frames | speed | CPU of this process |\n|---|---|---|---|');
  for (const v of r.video) console.log(`| video ${v.what} (25 fps, detection every ${v.every}th frame on a ≤640 px copy) | ${v.frames} | ${v.fps.toFixed(1)} fps | ${v.cpuMsPerFrame.toFixed(0)} ms a frame (${(1000 / v.cpuMsPerFrame).toFixed(1)} fps a core) |`);
  console.log(`| photos (3 real photos, with re-check, all four turns) | — | ${r.photoMsPerMp.toFixed(0)} ms per megapixel | |`);
  console.log(`| loading the detectors (once per process) | — | ${r.loadMs.toFixed(0)} ms | |`);
  console.log('\n| searching turned pictures (--orientations) | policy | speed | wall time vs upright only | CPU time vs upright only | boxes found turned |\n|---|---|---|---|---|---|');
  for (const o of r.orientations) console.log(`| video 720p, ${o.clip} | ${o.policy} | ${o.fps.toFixed(1)} fps | ${o.timeRatio.toFixed(2)}× | ${o.cpuRatio.toFixed(2)}× | ${o.turnedBoxes} |`);
  console.log(`| photos (3 real photos) | upright | ${r.photoUprightMsPerMp.toFixed(0)} ms per megapixel | 1.00× | 1.00× | |`);
  console.log(`| photos (3 real photos) | probe = all (default) | ${r.photoMsPerMp.toFixed(0)} ms per megapixel | ${(r.photoMsPerMp / r.photoUprightMsPerMp).toFixed(2)}× | ${r.photoCpuRatio.toFixed(2)}× | |`);
}

/** Runs and prints the --orientations figures alone (`node bin/run-ts.mjs bench/faces.ts --orientations`). */
async function orientationsOnly(root: string): Promise<void> {
  const dir = resolve(process.env.EVIDENCE_SHARED_DIR ?? '../shared', 'fixtures', 'faces');
  if (!existsSync(join(dir, 'city.jpg'))) return printFaces(null);
  const out = join(root, 'faces');
  mkdirSync(out, { recursive: true });
  await loadFaceApi();
  console.log('\n| searching turned pictures (--orientations) | policy | speed | wall time vs upright only | CPU time vs upright only | boxes found turned |\n|---|---|---|---|---|---|');
  for (const o of await benchOrientations(dir, out, crowdClip(dir, out, 1280, 720))) console.log(`| video 720p, ${o.clip} | ${o.policy} | ${o.fps.toFixed(1)} fps | ${o.timeRatio.toFixed(2)}× | ${o.cpuRatio.toFixed(2)}× | ${o.turnedBoxes} |`);
}

// `node bin/run-ts.mjs bench/faces.ts` runs this part alone; with `--orientations`, only the cost of searching turned pictures.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.env.EVIDENCE_BENCH_DIR ?? '.bench');
  if (process.argv.includes('--orientations')) await orientationsOnly(root);
  else printFaces(await benchFaces(root));
}
