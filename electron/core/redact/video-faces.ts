// Face blurring for video: ffmpeg decodes the picture to raw RGB through a pipe (upright: its
// autorotate applies the rotation side data of phone videos), faces are detected on every Nth
// frame and carried across the frames between by interpolation, the boxes are blurred in place,
// and a second ffmpeg encodes the frames to H.264 while copying the original audio packets
// untouched (`-c:a copy`) and no metadata at all (`-map_metadata -1`).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ffmpegPath } from '../derivatives/ffmpeg.ts';
import { runFfprobe } from '../metadata/av.ts';
import { DEFAULT_MARGIN_PCT, obscureBoxes, type BlurMode } from './blur.ts';
import {
  ALL_ORIENTATIONS, DEFAULT_MIN_CONFIDENCE, TURNED_MIN_SCORE, DEFAULT_ORIENTATION_POLICY, detectFaces, detectorInfo, logBox, mergeBoxes,
  type Box, type DetectionLog, type DetectOptions, type Orientation, type OrientationPolicy, type Region,
} from './faces.ts';

export interface VideoBlurOptions {
  regions?: Region[];
  mode?: BlurMode;
  marginPct?: number;
  signal?: AbortSignal;
  /** Frames done and the expected total (from the container's duration; may be off by a few). */
  onProgress?: (done: number, total: number) => void;
  /** Detect on every Nth frame (default: 6 frames a second of video, at least every 5th frame). */
  detectEvery?: number;
  /** Detector settings; default SSD only on the full frame (tiles and the tiny detector cost ×10 on video). */
  detect?: false | DetectOptions;
  /**
   * Turns of the picture searched (default `probe`, see {@link OrientationPlanner}): `upright`
   * only; `all` four on every detection frame (×4 the detection); `probe`: all four once a
   * second, and upright plus whichever turn found a face in the last few seconds on the others.
   */
  orientations?: OrientationPolicy;
}

/** Seconds between two probes of all four turns under the `probe` policy. */
export const PROBE_EVERY_SEC = 1;
/** Seconds a turn that found a face keeps being searched on every detection frame after its last find. */
export const TURN_LINGER_SEC = 3;

/**
 * Decides, detection frame by detection frame, which turns of the picture the detector looks
 * at. Under `probe`: all four on the first detection frame and then on one at least
 * {@link PROBE_EVERY_SEC} after the previous probe; upright on every detection frame; and a turn
 * that found a face (at a probe or since) on every detection frame until it has found none for
 * {@link TURN_LINGER_SEC}. A clip shot upside down is thus searched upside down from its first
 * frame on (measured ×2.8 CPU on the crowd clip upside down); a clip with no turned face pays
 * three extra searches on one detection frame in six (measured ×1.23 CPU on the crowd clip as
 * shot, the turned boxes on its upright faces being dropped, see {@link VIDEO_DETECT}). The cost: a turned face that comes into view
 * between two probes can stay sharp until the next probe (at most a second), which
 * `all` does not have.
 */
export class OrientationPlanner {
  private readonly lastFound = new Map<Orientation, number>();
  private lastProbe = -Infinity;
  constructor(
    readonly policy: OrientationPolicy,
    private readonly probeEveryFrames: number,
    private readonly lingerFrames: number,
  ) {}

  /** The turns to search at detection frame `index` (frame numbers increase from call to call). */
  turnsAt(index: number): { turns: Orientation[]; probe: boolean } {
    if (this.policy === 'upright') return { turns: [0], probe: false };
    if (this.policy === 'all') return { turns: [...ALL_ORIENTATIONS], probe: false };
    if (index - this.lastProbe >= this.probeEveryFrames) {
      this.lastProbe = index;
      return { turns: [...ALL_ORIENTATIONS], probe: true };
    }
    return { turns: [0, ...ALL_ORIENTATIONS.filter((o) => o !== 0 && this.lastFound.has(o))], probe: false };
  }

  /** Records what the search at frame `index` found; turns quiet for longer than the linger are dropped. */
  found(index: number, boxes: Box[]): void {
    for (const b of boxes) if (b.orientation) this.lastFound.set(b.orientation, index);
    for (const [o, at] of this.lastFound) if (index - at > this.lingerFrames) this.lastFound.delete(o);
  }

  /** Turns searched on every detection frame now besides upright (those that found a face lately). */
  active(): Orientation[] {
    return ALL_ORIENTATIONS.filter((o) => o !== 0 && this.lastFound.has(o));
  }

  /** In words, for the detection log. */
  describe(): string {
    if (this.policy === 'upright') return 'upright only';
    if (this.policy === 'all') return 'all four quarter turns (0, 90, 180, 270° clockwise) on every detection frame';
    return `probe: all four quarter turns on one detection frame every ${this.probeEveryFrames} frames; upright on every detection frame, and a turn that found a face on every one until it has found none for ${this.lingerFrames} frames`;
  }
}

/**
 * Detections a second of video by default (every 4th frame at 25 fps, every 5th at 30). At 5 a
 * second a face in the crowd test video could show in one frame between two detections.
 */
export const DETECTIONS_PER_SEC = 6;

/**
 * Default detector settings for video: SSD on the full frame and the Tiny Face Detector, both on
 * a copy at most 640 px on its longer side (SSD sees 512×512 anyway), no tiles (×10). A box found
 * at a turn counts (is blurred; the turn stays searched) only if it lies on no confident
 * upright face and a box at that turn scores {@link TURNED_MIN_SCORE} or more: turned, the detectors
 * fire on upright faces in a crowd, which kept the turns searched (×2.6) and spread the blur.
 */
export const VIDEO_DETECT: DetectOptions = { tiles: false, tiny: true, maxSide: 640, turnedMinScore: TURNED_MIN_SCORE };

interface Track {
  box: Box;
  lastSeen: number;
}

let encoderCache: { codec: string; args: string[] } | null = null;

/** libx264 when the bundled ffmpeg has it (the @ffmpeg-installer static build does), else MPEG-4 part 2. */
async function videoEncoder(): Promise<{ codec: string; args: string[] }> {
  if (encoderCache) return encoderCache;
  const child = spawn(ffmpegPath(), ['-hide_banner', '-encoders'], { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
  let list = '';
  child.stdout.on('data', (d: Buffer) => (list += d.toString()));
  await once(child, 'close');
  encoderCache = /\blibx264\b/u.test(list)
    ? { codec: 'libx264', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'] }
    : { codec: 'mpeg4', args: ['-c:v', 'mpeg4', '-q:v', '2', '-pix_fmt', 'yuv420p'] };
  return encoderCache;
}

/** The box covering both sightings `a` and `b` of one face (turned as the later sighting `b`). */
function span(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y, score: Math.min(a.score, b.score), ...(b.orientation !== undefined ? { orientation: b.orientation } : {}) };
}

/** Same face at the next detection: overlapping, or its centre moved less than its size. */
function sameFace(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const iou = (ix * iy) / (a.w * a.h + b.w * b.h - ix * iy);
  const dist = Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));
  const size = Math.max(a.w, a.h, b.w, b.h);
  // a face does not halve or double between two detections a few frames apart: a much smaller
  // or larger box nearby is another face (or the first one half out of the frame, then lost)
  const ratio = Math.max(a.w * a.h, b.w * b.h) / Math.max(1e-9, Math.min(a.w * a.h, b.w * b.h));
  if (ratio > 4) return 0;
  return iou > 0.05 ? 1 + iou : dist < size / 2 ? 1 - dist / size : 0;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('face blurring aborted'), { name: 'AbortError' });
}

/** Stream dimensions as ffmpeg will write them (after autorotate), read from its "Output #0" report. */
function outputSize(stderr: string): { width: number; height: number } | null {
  const out = stderr.slice(stderr.indexOf('Output #0'));
  const m = /Output #0[\s\S]*?Video: rawvideo[^\n]*?, (\d+)x(\d+)/u.exec(out);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/**
 * Writes to `output` a copy of the video `input` (never modified) with faces blurred:
 * - picture decoded upright (rotation side data applied, so the output needs none), at the
 *   stream's average frame rate (variable-rate phone video becomes constant-rate: a frame is
 *   repeated or dropped where needed, so the picture stays in sync with the audio to a frame);
 * - faces detected every `detectEvery`th frame by {@link detectFaces}, at the turns of the
 *   picture {@link OrientationPlanner} picks for `orientations` (the log gives each box's turn); between two detections a
 *   face seen in both is blurred over the box spanning both places, one seen in only one of
 *   them is blurred across the whole interval, and a face no longer found stays blurred at its last place for two more intervals
 *   (a missed detection must not let a face flash through); manual `regions` apply between their
 *   `fromSec` and `toSec` (whole clip when absent);
 * - boxes grown by `marginPct` and blurred as for photos (blur.ts);
 * - encoded with libx264 (CRF 18, yuv420p; MPEG-4 part 2 when the ffmpeg has no libx264), the
 *   original audio streams copied packet for packet (`-c:a copy`: bit-identical), no metadata,
 *   chapters, subtitles or data streams. The container follows `output`'s extension (.mp4/.mov/
 *   .mkv); an audio codec the container cannot hold (PCM in .mp4) makes ffmpeg fail.
 * Resolves to the per-frame log (every frame, with the boxes blurred in it) and the frame rate.
 * Rejects with Error naming the file when it has no video stream or ffmpeg fails, and with the
 * signal's reason when `signal` aborts; either way the ffmpeg processes are killed and a partial
 * `output` is removed.
 */
export async function blurVideoFaces(input: string, output: string, opts: VideoBlurOptions = {}): Promise<{ log: DetectionLog; fps: number }> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const probe = await runFfprobe(input).catch((e: unknown) => {
    throw new Error(`${input}: cannot read the video: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  const vs = probe.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.['attached_pic']);
  if (!vs) throw new Error(`${input}: no video stream to blur`);
  const rate = [vs['avg_frame_rate'], vs['r_frame_rate']].map(String).find((r) => /^\d+\/[1-9]\d*$/u.test(r) && !r.startsWith('0/')) ?? '30/1';
  const [num, den] = rate.split('/').map(Number) as [number, number];
  const fps = num / den;
  const duration = Number(vs['duration'] ?? probe.format?.duration ?? 0);
  const total = Math.max(1, Math.round(duration * fps));
  const every = Math.max(1, Math.round(opts.detectEvery ?? fps / DETECTIONS_PER_SEC));
  const hold = 2 * every;
  const mode = opts.mode ?? 'blur';
  const margin = opts.marginPct ?? DEFAULT_MARGIN_PCT;
  const detectOpts: DetectOptions = opts.detect === false ? {} : { ...VIDEO_DETECT, ...opts.detect };
  const regions = opts.regions ?? [];
  const planner = new OrientationPlanner(opts.orientations ?? DEFAULT_ORIENTATION_POLICY, Math.max(every, Math.round(fps * PROBE_EVERY_SEC)), Math.round(fps * TURN_LINGER_SEC));
  const enc = await videoEncoder();
  const log: DetectionLog = {
    detector: {
      ...detectorInfo(detectOpts),
      minConfidence: detectOpts.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
      ...(opts.detect === false ? {} : { orientations: planner.describe() }),
      strategy: `${opts.detect === false ? 'no detection (manual regions only)' : `${detectorInfo(detectOpts).strategy}; every ${every}th frame (checked again blurred at 3/4 of the threshold), spanned between, held ${hold} frames after a face is lost`}; encoder ${enc.codec}`,
    },
    frames: [],
  };

  const children: ChildProcess[] = [];
  const kill = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  signal?.addEventListener('abort', kill, { once: true });
  const abs = resolve(input);
  const dec = spawn(
    ffmpegPath(),
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', `file:${abs}`, '-map', `0:${vs.index ?? 'v:0'}`, '-an', '-sn', '-dn', '-vsync', 'cfr', '-r', rate, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true },
  );
  children.push(dec);
  let decErr = '';
  dec.stderr.on('data', (d: Buffer) => (decErr = (decErr + d.toString()).slice(-20000)));
  const decExit = new Promise<number | null>((res) => dec.on('close', res));
  let encoder: ChildProcess | null = null;
  let encErr = '';
  let encExit: Promise<number | null> = Promise.resolve(0);
  let encFailed = false;

  try {
    // The frame size is known once ffmpeg has opened its output, before the first frame.
    const chunks: Buffer[] = [];
    let size: { width: number; height: number } | null = null;
    let frameBytes = 0;
    const frames: { index: number; data: Buffer }[] = [];
    let nextIndex = 0;
    let done = 0;
    const tracks: Track[] = [];
    let lastKey = -1;

    const startEncoder = (width: number, height: number) => {
      const ext = output.toLowerCase().endsWith('.mp4') || output.toLowerCase().endsWith('.mov') ? ['-movflags', '+faststart'] : [];
      encoder = spawn(
        ffmpegPath(),
        [
          '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
          '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', rate, '-i', 'pipe:0',
          '-i', `file:${abs}`,
          '-map', '0:v', '-map', '1:a?',
          // yuv420p needs even sides; a padded line of black loses nothing
          '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2',
          ...enc.args,
          '-c:a', 'copy',
          '-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact',
          ...ext,
          `file:${resolve(output)}`,
        ],
        { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true },
      );
      children.push(encoder);
      encoder.stdin!.on('error', () => {}); // its exit code and stderr tell why
      encoder.stderr!.on('data', (d: Buffer) => (encErr = (encErr + d.toString()).slice(-4000)));
      encExit = new Promise((res) => encoder!.on('close', res));
      void encExit.then((code) => (encFailed = code !== 0));
      if (signal?.aborted) kill();
    };

    const regionBoxes = (i: number): Box[] =>
      regions.filter((r) => (r.fromSec ?? -Infinity) <= i / fps + 1e-9 && i / fps <= (r.toSec ?? Infinity) + 1e-9).map((r) => ({ x: r.x, y: r.y, w: r.w, h: r.h, score: 1 }));

    const emit = async (f: { index: number; data: Buffer }, detected: Box[]) => {
      const manual = regionBoxes(f.index);
      await obscureBoxes({ data: f.data, width: size!.width, height: size!.height }, [...detected, ...manual], mode, margin);
      const r = logBox;
      log.frames.push({
        index: f.index,
        timeSec: Math.round((f.index / fps) * 1000) / 1000,
        boxes: [...detected.map((b) => ({ ...r(b), source: 'detector' as const })), ...manual.map((b) => ({ ...r(b), source: 'manual' as const }))],
      });
      if (encFailed) throw new Error(`${input}: ffmpeg could not encode ${output}: ${encErr.trim().split('\n').slice(-3).join(' | ') || 'it stopped early'}`);
      if (!encoder!.stdin!.write(f.data)) await Promise.race([once(encoder!.stdin!, 'drain'), encExit]);
      opts.onProgress?.(++done, Math.max(total, done));
    };

    /** Detection at frame `key`; the frames buffered since the previous one get their boxes. */
    const keyframe = async (key: { index: number; data: Buffer }) => {
      const { turns } = planner.turnsAt(key.index);
      const found = opts.detect === false ? [] : await detectFaces({ data: key.data, width: size!.width, height: size!.height }, { ...detectOpts, orientations: turns });
      planner.found(key.index, found);
      if (found.length > 0) {
        // As for photos: with its neighbours blurred, a face scored under the threshold can
        // come above it, so the frame is checked again blurred, at 3/4 of the threshold, at
        // upright and the turns that found faces lately (all four under `all`).
        const probe = { data: Buffer.from(key.data), width: size!.width, height: size!.height };
        await obscureBoxes(probe, found, mode, margin);
        const again = planner.policy === 'all' ? turns : [0 as const, ...planner.active()];
        found.push(...(await detectFaces(probe, { ...detectOpts, tiny: false, orientations: again, minConfidence: 0.75 * (detectOpts.minConfidence ?? DEFAULT_MIN_CONFIDENCE) })));
      }
      const pairs: { t: Track; d: Box }[] = [];
      const free = new Set(found);
      for (const t of [...tracks].sort((a, b) => b.lastSeen - a.lastSeen)) {
        let best: Box | null = null;
        let bestScore = 0;
        for (const d of free) {
          const s = sameFace(t.box, d);
          if (s > bestScore) [best, bestScore] = [d, s];
        }
        if (best) {
          free.delete(best);
          pairs.push({ t, d: best });
        }
      }
      for (const f of frames) {
        const boxes = [
          // the whole path between the two sightings, not a guess of where on it the face is:
          // a face need not move in a straight line at constant speed
          ...pairs.flatMap(({ t, d }) => (t.lastSeen === lastKey ? [span(t.box, d)] : [t.box, d])),
          ...tracks.filter((t) => !pairs.some((p) => p.t === t) && f.index - t.lastSeen <= hold).map((t) => t.box),
          ...free, // a face that came in between two detections is blurred from the previous one on
        ];
        await emit(f, mergeBoxes(boxes));
      }
      frames.length = 0;
      for (const { t, d } of pairs) [t.box, t.lastSeen] = [d, key.index];
      for (const d of free) tracks.push({ box: d, lastSeen: key.index });
      for (let i = tracks.length - 1; i >= 0; i--) if (key.index - tracks[i]!.lastSeen > hold) tracks.splice(i, 1);
      lastKey = key.index;
      await emit(key, tracks.map((t) => t.box));
    };

    // Frames are assembled in place: appending each 64 KiB pipe read to a growing buffer would
    // copy a 1080p frame about fifty times over.
    let cur: Buffer | null = null;
    let filled = 0;
    for await (const chunk of dec.stdout as AsyncIterable<Buffer>) {
      if (!size) {
        chunks.push(chunk);
        size = outputSize(decErr);
        if (!size) {
          // stderr may trail stdout by a moment
          await new Promise((r) => setTimeout(r, 50));
          size = outputSize(decErr);
        }
        if (!size) throw new Error(`${input}: ffmpeg did not report the decoded frame size`);
        frameBytes = size.width * size.height * 3;
        startEncoder(size.width, size.height);
      } else {
        chunks.push(chunk);
      }
      for (const c of chunks) {
        let off = 0;
        while (off < c.length) {
          cur ??= Buffer.allocUnsafe(frameBytes);
          const n = Math.min(c.length - off, frameBytes - filled);
          c.copy(cur, filled, off, off + n);
          filled += n;
          off += n;
          if (filled < frameBytes) continue;
          signal?.throwIfAborted();
          const f = { index: nextIndex++, data: cur };
          cur = null;
          filled = 0;
          if (f.index % every === 0) await keyframe(f);
          else frames.push(f);
        }
      }
      chunks.length = 0;
    }
    signal?.throwIfAborted();
    const decCode = await decExit;
    if (decCode !== 0 || !size) throw new Error(`${input}: ffmpeg could not decode the video: ${decErr.trim().split('\n').slice(-3).join(' | ') || `exit ${decCode}`}`);
    // The last frames after the last detection: detect on the last one so they are bracketed too.
    const last = frames.pop();
    if (last) await keyframe(last);
    (encoder as ChildProcess | null)?.stdin!.end();
    const encCode = await encExit;
    signal?.throwIfAborted();
    if (encCode !== 0) throw new Error(`${input}: ffmpeg could not encode ${output}: ${encErr.trim().split('\n').slice(-3).join(' | ') || `exit ${encCode}`}`);
    return { log, fps };
  } catch (e) {
    kill();
    await Promise.all([decExit, encExit]);
    rmSync(output, { force: true });
    if (signal?.aborted) throw abortError(signal);
    throw e;
  } finally {
    signal?.removeEventListener('abort', kill);
  }
}
