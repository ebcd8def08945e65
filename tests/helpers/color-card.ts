// A camera card of tiny distinct JPEGs made by ffmpeg (solid colours), for tests that need many
// small real images without the shared corpus.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `n` 64×48 JPEGs `IMG_<offset+i>.JPG` of distinct colours into `dir`; throws when ffmpeg fails. */
export function makeCard(dir: string, n: number, offset = 0): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const color = `0x${((offset + i + 1) * 2654435761 % 0xffffff).toString(16).padStart(6, '0')}`;
    const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=${color}:s=64x48`, '-frames:v', '1', '-y', join(dir, `IMG_${String(offset + i).padStart(4, '0')}.JPG`)]);
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  }
}
