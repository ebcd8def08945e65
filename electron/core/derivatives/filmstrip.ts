// Scrub strips and contact sheets of video clips, under derivatives/ like posters: conveniences
// for looking at footage, regenerable at any time, never evidence (no custody event, no digest).
// A strip is STRIP_FRAMES frames side by side, each FRAME_W × FRAME_H (letterboxed to 16:9), that
// the Library shows as the pointer moves over a tile; a contact sheet is SHEET_FRAMES frames in a
// grid, each with its timecode, headed by the file's name and SHA-256, for the Item screen and an
// export's custody report. Originals are only read (ffmpeg seeks and decodes one frame at a time).
// Both show people, so in an encrypted archive they are sealed at rest like thumbnails (sealed.ts).
import { createRequire } from 'node:module';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { objectPath } from '../archive.ts';
import { makeDirs } from '../dirs.ts';
import { runFfmpeg } from './ffmpeg.ts';
import { writeDerivative } from './sealed.ts';

/** Frames in a scrub strip (the renderer shows frame ⌊x · STRIP_FRAMES / width⌋). */
export const STRIP_FRAMES = 10;
/** Frames in a contact sheet, in SHEET_COLUMNS columns. */
export const SHEET_FRAMES = 12;
export const SHEET_COLUMNS = 4;
/** Size of one frame, px: 16:9, a portrait clip letterboxed. */
export const FRAME_W = 320;
export const FRAME_H = 180;

const LABEL_H = 26;
const HEAD_H = 44;

/** derivatives/strips/<2 hex>/<sha256>.jpg */
export function stripPath(derivativesDir: string, sha256: string): string {
  return join(derivativesDir, 'strips', sha256.slice(0, 2), `${sha256}.jpg`);
}

/** derivatives/sheets/<2 hex>/<sha256>.jpg */
export function sheetPath(derivativesDir: string, sha256: string): string {
  return join(derivativesDir, 'sheets', sha256.slice(0, 2), `${sha256}.jpg`);
}

/**
 * The times, in seconds, of `n` frames spread over a clip of `durationSec`: the middle of each
 * of n equal parts (never the very first frame, often black, nor past the end).
 */
export function frameTimes(durationSec: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (durationSec * (i + 0.5)) / n);
}

/**
 * `sec` as a timecode: HH:MM:SS:FF (SMPTE-style, non-drop frame count) when the frame rate
 * `fps` is known, else HH:MM:SS.mmm.
 */
export function timecode(sec: number, fps: number | null): string {
  const whole = Math.floor(sec);
  const hh = String(Math.floor(whole / 3600)).padStart(2, '0');
  const mm = String(Math.floor((whole % 3600) / 60)).padStart(2, '0');
  const ss = String(whole % 60).padStart(2, '0');
  if (fps && fps > 0) return `${hh}:${mm}:${ss}:${String(Math.min(Math.ceil(fps) - 1, Math.floor((sec - whole) * fps))).padStart(2, '0')}`;
  return `${hh}:${mm}:${ss}.${String(Math.round((sec - whole) * 1000)).padStart(3, '0').slice(0, 3)}`;
}

/** One frame at `at` seconds as FRAME_W × FRAME_H RGB bytes (letterboxed, display rotation applied); a black frame when ffmpeg decodes none. */
async function grabFrame(path: string, at: number, signal?: AbortSignal): Promise<Buffer> {
  const vf = `scale=${FRAME_W}:${FRAME_H}:force_original_aspect_ratio=decrease,pad=${FRAME_W}:${FRAME_H}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
  const size = FRAME_W * FRAME_H * 3;
  for (const seek of [at, Math.max(0, at - 0.5), 0]) {
    const raw = await runFfmpeg(['-ss', seek.toFixed(3), '-i', path, '-frames:v', '1', '-an', '-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { signal });
    if (raw.length >= size) return raw.subarray(0, size);
  }
  return Buffer.alloc(size);
}

/** A clip to make a strip or a sheet of. */
export interface ClipSource {
  sha256: string;
  durationSec: number | null;
  /** For the sheet's header. */
  name?: string;
  /** Frames per second, for HH:MM:SS:FF timecodes; null gives milliseconds. */
  fps?: number | null;
}

async function frames(objectsDir: string, clip: ClipSource, n: number, signal?: AbortSignal): Promise<{ at: number; rgb: Buffer }[]> {
  if (!clip.durationSec || !(clip.durationSec > 0)) throw new Error('no duration recorded: frames cannot be spread over the clip');
  const path = objectPath(objectsDir, clip.sha256);
  const out: { at: number; rgb: Buffer }[] = [];
  for (const at of frameTimes(clip.durationSec, n)) out.push({ at, rgb: await grabFrame(path, at, signal) });
  return out;
}

/** The scrub strip of `clip`: STRIP_FRAMES frames side by side, one JPEG (STRIP_FRAMES·FRAME_W × FRAME_H). Throws for a clip without duration or an ffmpeg failure. */
export async function stripJpeg(objectsDir: string, clip: ClipSource, signal?: AbortSignal): Promise<Buffer> {
  const fs = await frames(objectsDir, clip, STRIP_FRAMES, signal);
  return sharp({ create: { width: FRAME_W * STRIP_FRAMES, height: FRAME_H, channels: 3, background: '#000' } })
    .composite(fs.map((f, i) => ({ input: f.rgb, raw: { width: FRAME_W, height: FRAME_H, channels: 3 as const }, left: i * FRAME_W, top: 0 })))
    .jpeg({ quality: 72 }).toBuffer();
}

const fontFile = (() => {
  let cached: string | null = null;
  return () => (cached ??= join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSansMono.ttf'));
})();

/** White text on transparency, `px` pixels tall, rendered with the shipped DejaVu Sans Mono (no system fonts needed). */
async function label(text: string, px: number): Promise<Buffer> {
  // Pango markup: escape what it would read as tags.
  const safe = text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
  return sharp({ text: { text: `<span foreground="white">${safe}</span>`, font: `DejaVu Sans Mono ${px}px`, fontfile: fontFile(), rgba: true, dpi: 72 } }).png().toBuffer();
}

/**
 * The contact sheet of `clip`: SHEET_FRAMES frames in SHEET_COLUMNS columns, each with its
 * timecode (see timecode) below it, under a header naming the file and its SHA-256; one JPEG
 * SHEET_COLUMNS·FRAME_W px wide. Throws for a clip without duration or an ffmpeg failure.
 */
export async function contactSheetJpeg(objectsDir: string, clip: ClipSource, signal?: AbortSignal): Promise<Buffer> {
  const fs = await frames(objectsDir, clip, SHEET_FRAMES, signal);
  const rows = Math.ceil(SHEET_FRAMES / SHEET_COLUMNS);
  const width = SHEET_COLUMNS * FRAME_W;
  const height = HEAD_H + rows * (FRAME_H + LABEL_H);
  const parts: OverlayOptions[] = [];
  parts.push({ input: await label(`${clip.name ?? ''}  ${timecode(clip.durationSec!, clip.fps ?? null)}`.trim(), 16), left: 8, top: 4 });
  parts.push({ input: await label(`SHA-256 ${clip.sha256}`, 12), left: 8, top: 24 });
  for (const [i, f] of fs.entries()) {
    const left = (i % SHEET_COLUMNS) * FRAME_W;
    const top = HEAD_H + Math.floor(i / SHEET_COLUMNS) * (FRAME_H + LABEL_H);
    parts.push({ input: f.rgb, raw: { width: FRAME_W, height: FRAME_H, channels: 3 }, left, top });
    parts.push({ input: await label(timecode(f.at, clip.fps ?? null), 16), left: left + 6, top: top + FRAME_H + 3 });
  }
  return sharp({ create: { width, height, channels: 3, background: '#1b1d21' } }).composite(parts).jpeg({ quality: 82 }).toBuffer();
}

/** Where makeStrip and makeContactSheet write: with `derivativeKey` (an encrypted archive) files are sealed. */
export interface StripArchive {
  objectsDir: string;
  derivativesDir: string;
  derivativeKey?: Buffer | null;
}

async function writeOut(archive: StripArchive, out: string, jpeg: Buffer): Promise<void> {
  makeDirs(dirname(out));
  await writeDerivative(out, jpeg, archive.derivativeKey);
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * Makes the scrub strip of `clip` under derivatives/ unless it exists; written to a temporary
 * name and renamed, sealed when `archive.derivativeKey` is given (read it with readDerivative).
 * Throws as stripJpeg.
 */
export async function makeStrip(archive: StripArchive, clip: ClipSource, signal?: AbortSignal): Promise<'made' | 'existing'> {
  const out = stripPath(archive.derivativesDir, clip.sha256);
  if (await exists(out)) return 'existing';
  await writeOut(archive, out, await stripJpeg(archive.objectsDir, clip, signal));
  return 'made';
}

/**
 * Makes the contact sheet of `clip` under derivatives/ unless it exists, and answers its path;
 * sealed when `archive.derivativeKey` is given (read it with readDerivative). Throws as
 * contactSheetJpeg.
 */
export async function makeContactSheet(archive: StripArchive, clip: ClipSource, signal?: AbortSignal): Promise<string> {
  const out = sheetPath(archive.derivativesDir, clip.sha256);
  if (!(await exists(out))) await writeOut(archive, out, await contactSheetJpeg(archive.objectsDir, clip, signal));
  return out;
}
