// Running ffmpeg for posters and HEIC previews. The binary is found the way a packaged app needs
// it: $EVIDENCE_FFMPEG, else the one @ffmpeg-installer/ffmpeg ships (outside app.asar when
// packaged, since a binary inside an asar archive cannot be executed), else `ffmpeg` on PATH.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | null = null;

/** Absolute path (or bare name for PATH lookup) of the ffmpeg binary to run. */
export function ffmpegPath(): string {
  if (cached) return cached;
  const env = process.env.EVIDENCE_FFMPEG;
  if (env) return (cached = env);
  try {
    const req = createRequire(import.meta.url);
    const p = (req('@ffmpeg-installer/ffmpeg') as { path: string }).path.replace(/app\.asar([\\/])/u, 'app.asar.unpacked$1');
    if (existsSync(p)) return (cached = p);
  } catch {
    // no bundled binary for this platform: fall back to the system's
  }
  return (cached = 'ffmpeg');
}

/**
 * Runs ffmpeg with `args`, writing `stdin` to it when given, and resolves to its standard
 * output. Rejects with ffmpeg's last error lines when it exits non-zero, when it cannot be
 * started, or when `signal` aborts (the process is killed). `timeoutMs` bounds a hung decode.
 */
export function runFfmpeg(args: string[], opts: { stdin?: Buffer; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], {
      stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      signal: opts.signal,
      timeout: opts.timeoutMs ?? 60_000,
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ') || 'no message'}`));
    });
    if (opts.stdin) {
      child.stdin!.on('error', () => {}); // ffmpeg may close its input early; its exit code tells
      child.stdin!.end(opts.stdin);
    }
  });
}
