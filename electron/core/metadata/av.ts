// Runs ffprobe for audio and video files and returns its JSON verbatim.
//
// We spawn ffprobe ourselves rather than through fluent-ffmpeg's ffprobe(): that helper parses
// ffprobe's legacy key=value output (numbers coerced, side data flattened, tag values with
// newlines split), so the "full ffprobe JSON verbatim" that `raw` must keep cannot come from it.
// The arguments are the ones fluent-ffmpeg documents as equivalent (-show_format -show_streams).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { accessSync, constants } from 'node:fs';
import { resolve, sep } from 'node:path';

/** The parts of `ffprobe -print_format json -show_format -show_streams` we read. */
export interface FfprobeStream {
  index?: number;
  codec_name?: string;
  codec_type?: string;
  width?: number;
  height?: number;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  [k: string]: unknown;
}
export interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; tags?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

const TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Path of the ffprobe binary: env FFPROBE_PATH when set, else the binary shipped by
 * @ffprobe-installer/ffprobe (inside a packaged Electron app, its app.asar.unpacked copy), else
 * "ffprobe" from PATH when the shipped binary is not executable.
 * Throws Error("ffprobe not available: …") when there is no binary for this platform.
 */
export function ffprobePath(): string {
  const fromEnv = process.env['FFPROBE_PATH'];
  if (fromEnv) return fromEnv;
  try {
    const req = createRequire(import.meta.url);
    const { path } = req('@ffprobe-installer/ffprobe') as { path: string };
    const unpacked = path.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
    accessSync(unpacked, constants.X_OK);
    return unpacked;
  } catch (e) {
    // npm installs that skip install scripts leave the bundled binary without its exec bit;
    // a system ffprobe on PATH is then the best remaining choice.
    if (e instanceof Error && 'code' in e && e.code === 'EACCES') return 'ffprobe';
    throw new Error(`ffprobe not available: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function probeWith(binary: string, path: string): Promise<FfprobeOutput> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', `file:${resolve(path)}`];
  return new Promise((done, fail) => {
    execFile(binary, args, { timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const crashed = err.signal && !err.killed ? ` (ffprobe crashed with ${err.signal})` : '';
        const reason = String(stderr).trim().split('\n').pop() || err.message;
        fail(Object.assign(new Error(`ffprobe failed: ${reason.replace(`file:${resolve(path)}: `, '')}${crashed}`), { crashed: Boolean(crashed) }));
        return;
      }
      try {
        done(JSON.parse(String(stdout)) as FfprobeOutput);
      } catch {
        fail(new Error('ffprobe printed output that is not JSON'));
      }
    });
  });
}

/**
 * Runs `ffprobe -v error -print_format json -show_format -show_streams file:<abs path>` and
 * returns the parsed JSON unchanged. The `file:` prefix and absolute path keep names starting
 * with "-" or containing "proto:" from being read as options or protocols.
 * When the shipped ffprobe crashes (the static build of @ffprobe-installer segfaults on some
 * MPEG-TS/M2TS files), the ffprobe on PATH is tried once and a note saying so is pushed onto
 * `notes`. Throws Error with ffprobe's own message when it exits non-zero (e.g. "Invalid data
 * found when processing input"), crashes, times out (60 s) or prints something that is not JSON.
 */
export async function runFfprobe(path: string, notes?: string[]): Promise<FfprobeOutput> {
  const primary = ffprobePath();
  try {
    return await probeWith(primary, path);
  } catch (e) {
    if (!(e as { crashed?: boolean }).crashed || primary === 'ffprobe' || process.env['FFPROBE_PATH']) throw e;
    try {
      const out = await probeWith('ffprobe', path);
      notes?.push(`the bundled ffprobe crashed on this file; metadata read with the ffprobe on PATH instead`);
      return out;
    } catch {
      throw e;
    }
  }
}
