// The face-blurring functions this pipeline calls (electron/core/redact/faces.ts and
// video-faces.ts, built alongside), described here (their types come from faces.ts, type-only) so the redaction pipeline can be written and
// tested against them with a stand-in: RedactDeps.faces injects one, and by default the real
// modules are loaded on first use, so a command that never blurs never loads TensorFlow.

import type { DetectionLog, OrientationPolicy, Region } from './faces.ts';

export type { DetectionLog, OrientationPolicy, Region };

/** The orientation policies, for checking a user's choice without loading the detector (same as faces.ts ORIENTATION_POLICIES). */
export const ORIENTATION_POLICY_NAMES: readonly OrientationPolicy[] = ['upright', 'probe', 'all'];

/** Blur or pixelate. */
export type BlurMode = 'blur' | 'pixelate';

/** The face-blurring module's contract. */
export interface FaceTools {
  /** Applies EXIF orientation, detects faces (unless `detect: false`) at the turns `orientations` asks (default probe: all four for a photo), blurs them and `regions`; returns the encoded upright picture without metadata. */
  blurPhotoFaces(input: string, opts: { regions?: Region[]; mode?: BlurMode; marginPct?: number; detect?: false; orientations?: OrientationPolicy }): Promise<{ image: Buffer; format: 'jpeg' | 'png'; log: DetectionLog }>;
  /** Blurs faces (searched at the turns `orientations` asks, default probe) and `regions` in every frame, copying audio streams bit-identical; metadata not carried. */
  blurVideoFaces(input: string, output: string, opts: { regions?: Region[]; mode?: BlurMode; marginPct?: number; detect?: false; orientations?: OrientationPolicy; signal?: AbortSignal; onProgress?: (p: unknown) => void }): Promise<{ log: DetectionLog; fps: number }>;
}

/** Loads the face-blurring modules on first use (they bring tfjs and the detector's weights). */
export async function loadFaceTools(): Promise<FaceTools> {
  const photo = (await import('./faces.ts')) as Pick<FaceTools, 'blurPhotoFaces'>;
  const video = (await import('./video-faces.ts')) as Pick<FaceTools, 'blurVideoFaces'>;
  return { blurPhotoFaces: photo.blurPhotoFaces, blurVideoFaces: video.blurVideoFaces };
}

/**
 * Checks a list of regions as read from a `--blur-regions` file or the window: an array of
 * objects with finite x, y (negative for a box partly off the left or top edge) and w, h ≥ 1 (pixels), optional fromSec ≤ toSec
 * (seconds) and label (text ≤ 200 characters). Returns them with only those fields; throws
 * Error naming the first bad entry by its index.
 */
export function parseRegions(value: unknown, where = 'regions'): Region[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a JSON array of {x, y, w, h} boxes`);
  if (value.length > 10_000) throw new Error(`${where}: ${value.length} boxes; at most 10,000`);
  return value.map((r, i) => {
    const o = (r ?? {}) as Record<string, unknown>;
    const num = (k: string, min: number) => {
      const v = o[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`${where}[${i}]: ${k} must be ${min === -Infinity ? 'a finite number' : `a number ≥ ${min}`}`);
      return v;
    };
    // x and y may be negative: a box partly off the edge is clipped to the picture when it is blurred (regions.ts).
    const out: Region = { x: num('x', -Infinity), y: num('y', -Infinity), w: num('w', 1), h: num('h', 1) };
    if (o.fromSec !== undefined) out.fromSec = num('fromSec', 0);
    if (o.toSec !== undefined) out.toSec = num('toSec', 0);
    if (out.fromSec !== undefined && out.toSec !== undefined && out.toSec < out.fromSec) throw new Error(`${where}[${i}]: toSec is before fromSec`);
    if (o.label !== undefined) {
      if (typeof o.label !== 'string' || o.label.length > 200) throw new Error(`${where}[${i}]: label must be text of at most 200 characters`);
      out.label = o.label;
    }
    return out;
  });
}
