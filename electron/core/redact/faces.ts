// Face detection for redacted derivatives, with the detectors that ship inside
// @vladmandic/face-api (SSD MobileNet v1 and Tiny Face Detector, weights in the package's model/
// folder) on the WASM backend of TensorFlow.js: nothing is downloaded at run time and no native
// module is needed. Loaded on first use only, so commands that never redact do not pay for it.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MARGIN_PCT, obscureBoxes, type BlurMode } from './blur.ts';

/**
 * A quarter turn of the picture, clockwise in degrees: the detector sees the upright picture
 * turned by this much. A face found at 180 is upside down in the upright picture (a camera held
 * upside down); at 90 or 270 it lies on its side (a person lying down, a photo scanned sideways).
 */
export type Orientation = 0 | 90 | 180 | 270;

/** The four turns a picture is searched at when every orientation is asked for. */
export const ALL_ORIENTATIONS: readonly Orientation[] = [0, 90, 180, 270];

/**
 * Which turns of the picture the detector looks at: `upright` only (as before; fastest),
 * `all` four on every photo and every video detection frame (×4 the detection), or `probe`:
 * photos all four, video all four on one detection frame a second and, on every detection frame,
 * upright plus any turn that found a face in the last few seconds (video-faces.ts).
 */
export type OrientationPolicy = 'upright' | 'probe' | 'all';
export const ORIENTATION_POLICIES: readonly OrientationPolicy[] = ['upright', 'probe', 'all'];
export const DEFAULT_ORIENTATION_POLICY: OrientationPolicy = 'probe';

/**
 * A face (or region) in pixels of the upright image; score in [0, 1]. `orientation`: the turn of
 * the picture at which the detector found it (absent for drawn regions); the face's forehead is
 * on the side of the box that was the top at that turn.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
  orientation?: Orientation;
}

/**
 * A region a person drew for what the detector missed (a face in profile, a licence plate, a
 * name on a door), in pixels of the upright image/frame. For video, `fromSec`/`toSec` bound the
 * time it applies to (absent: the whole clip).
 */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
  fromSec?: number;
  toSec?: number;
  label?: string;
}

/** What was blurred, per frame (a photo is frame 0), kept beside the derivative for review. */
export interface DetectionLog {
  /** `orientations`: which turns of the picture were searched (absent in logs made before it existed: upright only). */
  detector: { name: string; version: string; model: string; minConfidence: number; strategy: string; orientations?: string };
  frames: { index: number; timeSec?: number; boxes: (Box & { source: 'detector' | 'manual' })[] }[];
}

export interface DetectOptions {
  /** SSD score threshold (default 0.2: low on purpose; a false positive only blurs a patch). */
  minConfidence?: number;
  /** Also run the Tiny Face Detector and merge (default true; it finds some profiles SSD misses). */
  tiny?: boolean;
  /** Also run SSD on overlapping tiles, upscaled for small images (default true). */
  tiles?: boolean;
  /**
   * Detect on a copy scaled down so its longer side is at most this many pixels (boxes scaled
   * back to the image); default: full size. SSD sees 512×512 whatever it is given, so for video a
   * 640-pixel copy finds what the full frame would, at a fraction of the copying and resizing.
   */
  maxSide?: number;
  /** Input size of the Tiny Face Detector (a multiple of 32; default 608). */
  tinyInputSize?: number;
  /**
   * Turns of the picture to search (default `[0]`, upright only). Upright gets the whole strategy;
   * a turned picture only SSD (and the tiny detector, unless `tiny` is false) on the whole frame,
   * no tiles: tiles are for small faces in crowds, and a crowd upside down or on its side is not
   * the case turns are searched for (a camera held upside down, a person lying down), while they
   * would make each turn cost as much as the upright search (×4 in all). Boxes come back in the
   * upright picture's pixels, tagged with the turn that found them.
   */
  orientations?: readonly Orientation[];
  /**
   * Keep the boxes found at a turn (90/180/270) only if one of them scores at least this much,
   * and only those not largely overlapped (IoU > 0.3, or 60 % of the smaller box) by a box
   * found upright scoring this much in the same search (default: keep every turned box). Turned, the detectors still fire weakly on
   * upright faces; for video ({@link TURNED_MIN_SCORE}) such boxes would keep the turn searched
   * on every frame and spread the blur onto the bodies below the faces.
   */
  turnedMinScore?: number;
}

/**
 * Score a box found at a turn needs in video (see `turnedMinScore`). Measured at 640 px (video):
 * the man in the upside-down portrait scores 0.76 at 180° (0.45 upright); on the crowd clip as
 * shot, turned boxes on upright faces score 0.2–0.92, and those above 0.5 lie on upright faces
 * found at 0.6–0.98, so it is the overlap with those that drops them.
 */
export const TURNED_MIN_SCORE = 0.5;

export const DEFAULT_MIN_CONFIDENCE = 0.2;
const TINY_THRESHOLD = 0.25;
/** Tile side in source pixels for images larger than this; smaller images are upscaled ×2 and tiled. */
const TILE = 640;

// The face-api bundle's own types describe the browser build; we only touch this much of it.
interface FaceApi {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(data: Uint8Array, shape: [number, number, number]): Tensor;
    slice(t: Tensor, begin: number[], size: number[]): Tensor;
    transpose(t: Tensor, perm: number[]): Tensor;
    reverse(t: Tensor, axis: number | number[]): Tensor;
  };
  nets: { ssdMobilenetv1: Net; tinyFaceDetector: Net };
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(input: Tensor, opts: unknown): Promise<{ score: number; box: { x: number; y: number; width: number; height: number } }[]>;
}
interface Tensor {
  dispose(): void;
  shape: number[];
}
interface Net {
  loadFromDisk(dir: string): Promise<void>;
}

const req = createRequire(import.meta.url);
let loading: Promise<FaceApi> | null = null;

/** A packaged app runs files from app.asar; the weights and .wasm are unpacked beside it (electron-builder.yml). */
function unpacked(p: string): string {
  const u = p.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  return u !== p && existsSync(u) ? u : p;
}

/** Folder holding the detector weights inside node_modules/@vladmandic/face-api. */
export function modelDir(): string {
  return unpacked(join(dirname(req.resolve('@vladmandic/face-api/package.json')), 'model'));
}

/** Name, version and models of the detector, for custody events and the detection log. */
export function detectorInfo(opts: DetectOptions = {}): DetectionLog['detector'] {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(req.resolve('@vladmandic/face-api/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // the version is informative only
  }
  const tiny = opts.tiny ?? true;
  const tiles = opts.tiles ?? true;
  return {
    name: '@vladmandic/face-api',
    version,
    model: tiny ? 'ssd_mobilenetv1+tiny_face_detector' : 'ssd_mobilenetv1',
    minConfidence: opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    strategy: [
      'ssd full frame',
      tiles ? `ssd on overlapping tiles (${TILE / 2}px under ${TILE * 2}px, else a third of the longer side; upright only)` : null,
      tiny ? `tiny_face_detector ${opts.tinyInputSize ?? 608} at ${TINY_THRESHOLD}` : null,
      opts.maxSide ? `on a copy scaled to at most ${opts.maxSide}px on its longer side` : null,
      opts.turnedMinScore !== undefined ? `boxes found at a turn kept only if one scores ${opts.turnedMinScore} or more, and only those off the upright faces scoring as much` : null,
      'boxes overlapping (IoU > 0.3 or 60% of the smaller) merged into their union',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** Loads tfjs (WASM backend) and both detectors once per process. */
export function loadFaceApi(): Promise<FaceApi> {
  loading ??= (async () => {
    const wasm = req('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    const faceapi = req('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    wasm.setWasmPaths(unpacked(dirname(req.resolve('@tensorflow/tfjs-backend-wasm'))) + sep);
    if (!(await faceapi.tf.setBackend('wasm'))) throw new Error('face detection: the TensorFlow.js WASM backend could not start');
    await faceapi.tf.ready();
    const dir = modelDir();
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
    await faceapi.nets.tinyFaceDetector.loadFromDisk(dir);
    return faceapi;
  })().catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}

function iou(a: Box, b: Box): { iou: number; ofSmaller: number } {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return { iou: union > 0 ? inter / union : 0, ofSmaller: inter / Math.max(1e-9, Math.min(a.w * a.h, b.w * b.h)) };
}

/**
 * Merges boxes that are the same face seen by several passes or detectors: clusters of boxes
 * overlapping by IoU > 0.3 or by 60 % of the smaller become their union (blurring a little more
 * is the safe side), scored by the best member. Highest scores first.
 */
export function mergeBoxes(boxes: Box[]): Box[] {
  const out: Box[] = [];
  for (const b of [...boxes].sort((p, q) => q.score - p.score)) {
    const hit = out.find((o) => {
      const r = iou(o, b);
      return r.iou > 0.3 || r.ofSmaller > 0.6;
    });
    if (!hit) {
      out.push({ ...b });
      continue;
    }
    const x2 = Math.max(hit.x + hit.w, b.x + b.w);
    const y2 = Math.max(hit.y + hit.h, b.y + b.h);
    hit.x = Math.min(hit.x, b.x);
    hit.y = Math.min(hit.y, b.y);
    hit.w = x2 - hit.x;
    hit.h = y2 - hit.y;
  }
  return out;
}

function tileOrigins(size: number, tile: number): number[] {
  if (size <= tile) return [0];
  const n = Math.ceil((size - tile) / (tile * 0.75)) + 1; // ≥ 25 % overlap so a face on a seam is whole in one tile
  const step = (size - tile) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/**
 * Where a box found on the picture turned by `o` (clockwise) lies in the unturned picture of
 * `width` × `height`: a quarter turn maps rectangles onto rectangles exactly, so nothing is lost.
 */
export function unturnBox(b: Box, o: Orientation, width: number, height: number): Box {
  switch (o) {
    case 90: // turned pixel (u, v) was upright (v, H − u)
      return { x: b.y, y: height - b.x - b.w, w: b.h, h: b.w, score: b.score, orientation: o };
    case 180:
      return { x: width - b.x - b.w, y: height - b.y - b.h, w: b.w, h: b.h, score: b.score, orientation: o };
    case 270: // turned pixel (u, v) was upright (W − v, u)
      return { x: width - b.y - b.h, y: b.x, w: b.h, h: b.w, score: b.score, orientation: o };
    default:
      return { ...b, orientation: 0 };
  }
}

/**
 * The boxes found at one turn that count: none unless one of them scores at least `minScore`
 * off the confident upright faces (the turn really shows a face), then all those off the
 * confident upright faces, weak ones too. A box is on an upright face when an upright box
 * scoring `minScore` or more overlaps it largely (IoU > 0.3, or 60 % of the smaller). Only a
 * confident upright face counts: upright, the detector also fires weakly on a face upside down
 * (0.45 against 0.76 at 180° on the upside-down portrait at 640 px), and that turn must still be
 * found. Weak boxes ride on a confident one because a second face at the same turn may score
 * low (the woman in profile in that portrait: 0.30–0.33 at 180°) and must be blurred too.
 */
export function keepTurned(boxes: Box[], upright: Box[], minScore: number): Box[] {
  const off = boxes.filter((b) =>
    !upright.some((u) => {
      if (u.score < minScore) return false;
      const r = iou(u, b);
      return r.iou > 0.3 || r.ofSmaller > 0.6;
    }),
  );
  return off.some((b) => b.score >= minScore) ? off : [];
}

/** `t` (height × width × 3) turned clockwise by `o`, as a new tensor (the caller disposes both). */
function turnTensor(faceapi: FaceApi, t: Tensor, o: Exclude<Orientation, 0>): Tensor {
  if (o === 180) return faceapi.tf.reverse(t, [0, 1]);
  const tr = faceapi.tf.transpose(t, [1, 0, 2]);
  try {
    // transposed then mirrored left-right is a quarter turn clockwise; mirrored top-bottom, anticlockwise
    return faceapi.tf.reverse(tr, o === 90 ? 1 : 0);
  } finally {
    tr.dispose();
  }
}

/**
 * Finds faces in an upright RGB image (`data`: width × height × 3 bytes, row-major).
 * Strategy: SSD MobileNet v1 on the whole frame at a low threshold; then SSD again on
 * overlapping tiles (the model sees 512×512, so a 30-pixel face in a 4000-pixel photo would
 * otherwise shrink to 4 pixels; 320-pixel tiles zoom small images ×1.6, which finds small
 * faces in crowds); then the Tiny Face Detector, which catches some faces in profile; the
 * results merged by {@link mergeBoxes}. The detectors were trained on upright faces and miss
 * faces upside down or on their side, so with `opts.orientations` the picture is searched again
 * turned by each quarter turn asked, by SSD (and the tiny detector) on the whole frame only, no
 * tiles (a turned search costs about a sixth of the upright one on a photo; see
 * `DetectOptions.orientations`), the boxes mapped back ({@link unturnBox}) and, with
 * `opts.turnedMinScore`, the weak or already-found ones dropped, before merging. Boxes are clipped to the image and carry the turn that found them.
 * Throws when the detector cannot load or `data` is not width × height × 3 bytes.
 */
export async function detectFaces(rgb: { data: Buffer; width: number; height: number }, opts: DetectOptions = {}): Promise<Box[]> {
  const { data, width, height } = rgb;
  if (data.length !== width * height * 3) throw new Error(`face detection: expected ${width}×${height}×3 = ${width * height * 3} bytes of RGB, got ${data.length}`);
  const faceapi = await loadFaceApi();
  const minConfidence = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const ssd = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 500 });
  const found: Box[] = [];
  // scale < 1: detection on a smaller copy, boxes mapped back by dividing by it (x and y scaled alike, within rounding)
  const scale = opts.maxSide && Math.max(width, height) > opts.maxSide ? opts.maxSide / Math.max(width, height) : 1;
  let small = data;
  let [iw, ih] = [width, height];
  if (scale < 1) {
    // libvips shrinks a 1080p frame in a few milliseconds; copying it whole into the WASM heap
    // as int32 and resizing there costs more than detecting on the small copy
    [iw, ih] = [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
    small = await sharp(data, { raw: { width, height, channels: 3 } }).resize(iw, ih, { fit: 'fill' }).raw().toBuffer();
  }
  /** The strategy on one picture `t` of tw × th; boxes in its own pixels. */
  const search = async (t: Tensor, tw: number, th: number, tiles: boolean): Promise<Box[]> => {
    const boxes: Box[] = [];
    const run = async (part: Tensor, o: unknown, ox: number, oy: number) => {
      for (const d of await faceapi.detectAllFaces(part, o)) boxes.push({ x: ox + d.box.x, y: oy + d.box.y, w: d.box.width, h: d.box.height, score: d.score });
    };
    await run(t, ssd, 0, 0);
    if (tiles) {
      // SSD resizes its input to 512×512, so a tile is a zoom: small images get tiles of half
      // TILE (faces in a crowd ×1.6), large photos about three tiles across (a dozen passes).
      const maxSide = Math.max(tw, th);
      const tile = maxSide < TILE * 2 ? TILE / 2 : Math.max(TILE, Math.ceil(maxSide / 3));
      for (const ty of tileOrigins(th, tile)) {
        for (const tx of tileOrigins(tw, tile)) {
          const part = faceapi.tf.slice(t, [ty, tx, 0], [Math.min(tile, th - ty), Math.min(tile, tw - tx), 3]);
          try {
            await run(part, ssd, tx, ty);
          } finally {
            part.dispose();
          }
        }
      }
    }
    if (opts.tiny ?? true) await run(t, new faceapi.TinyFaceDetectorOptions({ inputSize: opts.tinyInputSize ?? 608, scoreThreshold: TINY_THRESHOLD }), 0, 0);
    return boxes;
  };
  const image = faceapi.tf.tensor3d(small, [ih, iw, 3]);
  const upright: Box[] = [];
  try {
    // upright first, so the turned boxes can be checked against what it found
    const turns = [...new Set<Orientation>(opts.orientations ?? [0])].sort((a, b) => a - b);
    for (const o of turns) {
      const turned = o === 0 ? image : turnTensor(faceapi, image, o);
      try {
        const [tw, th] = o === 90 || o === 270 ? [ih, iw] : [iw, ih];
        const boxes = (await search(turned, tw, th, o === 0 && (opts.tiles ?? true))).map((b): Box => {
          const u = unturnBox(b, o, iw, ih);
          return { x: u.x / scale, y: u.y / scale, w: u.w / scale, h: u.h / scale, score: u.score, orientation: o };
        });
        if (o === 0) upright.push(...boxes);
        found.push(...(o === 0 || opts.turnedMinScore === undefined ? boxes : keepTurned(boxes, upright, opts.turnedMinScore)));
      } finally {
        if (turned !== image) turned.dispose();
      }
    }
  } finally {
    image.dispose();
  }
  return mergeBoxes(found)
    .map((b) => {
      const x = Math.max(0, b.x);
      const y = Math.max(0, b.y);
      return { x, y, w: Math.min(width, b.x + b.w) - x, h: Math.min(height, b.y + b.h) - y, score: b.score, orientation: b.orientation ?? 0 };
    })
    .filter((b) => b.w >= 1 && b.h >= 1);
}

/**
 * Decodes an image file upright: EXIF Orientation applied (TIFF/EXIF 2.32 tag 0x0112), any
 * alpha flattened onto white (a transparent pixel still carries colour that could show what was
 * painted over), grey converted to RGB. Throws Error naming the file when sharp cannot read it.
 */
export async function readUprightRgb(input: string): Promise<{ data: Buffer; width: number; height: number; format: string }> {
  try {
    const format = (await sharp(input).metadata()).format ?? 'unknown';
    const { data, info } = await sharp(input).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, not RGB`);
    return { data, width: info.width, height: info.height, format };
  } catch (e) {
    throw new Error(`${input}: cannot read the image for face blurring: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The turns a photo is searched at under `policy`: upright only, or all four (a photo is one frame, so a probe is the whole search). */
export function photoOrientations(policy: OrientationPolicy = DEFAULT_ORIENTATION_POLICY): readonly Orientation[] {
  return policy === 'upright' ? [0] : ALL_ORIENTATIONS;
}

/** A box as the detection log keeps it: whole pixels, score to 3 places, the turn that found it. */
export function logBox(b: Box): Box {
  return { x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.w), h: Math.round(b.h), score: Math.round(b.score * 1000) / 1000, ...(b.orientation !== undefined ? { orientation: b.orientation } : {}) };
}

/**
 * Makes a face-blurred copy of the photo `input` (never modified): EXIF orientation applied
 * first, so the result is upright and carries no metadata at all (no EXIF, XMP, ICC or
 * thumbnail: sharp writes none unless asked). Faces found by {@link detectFaces} (unless
 * `detect` is false) at the turns `orientations` asks (default `probe`: all four quarter turns,
 * so a face upside down or on its side is found too; `upright`: as shot only) and the manual
 * `regions` (pixels of the upright image; their time bounds are ignored for a photo) are grown
 * by `marginPct` % (default 25, 1.6× that on the forehead's side) and blurred or pixelated to
 * at most 8 cells across (see blur.ts). The result is then searched again, at the same turns
 * and 3/4 of the threshold, and whatever the detector still finds is blurred as well (at most
 * two more passes). PNG in gives PNG out (lossless stays lossless); everything else gives JPEG
 * at quality 92.
 * Resolves to the encoded image and the log of what was blurred (frame 0; each detector box
 * with the turn that found it).
 * Throws Error naming the file when it cannot be decoded, or when the detector cannot load.
 */
export async function blurPhotoFaces(
  input: string,
  opts: { regions?: Region[]; mode?: BlurMode; marginPct?: number; detect?: false | DetectOptions; orientations?: OrientationPolicy } = {},
): Promise<{ image: Buffer; format: 'jpeg' | 'png'; log: DetectionLog }> {
  const img = await readUprightRgb(input);
  const mode = opts.mode ?? 'blur';
  const margin = opts.marginPct ?? DEFAULT_MARGIN_PCT;
  const manual = (opts.regions ?? []).map((r) => ({ x: r.x, y: r.y, w: r.w, h: r.h, score: 1 }));
  const detectOpts: DetectOptions = { ...(opts.detect || {}), orientations: photoOrientations(opts.orientations) };
  const detected = opts.detect === false ? [] : await detectFaces(img, detectOpts);
  await obscureBoxes(img, [...detected, ...manual], mode, margin);
  // Blurring a crowd changes what the detector sees around it, and a face it scored just under
  // the threshold next to a sharp neighbour can score above it once the neighbour is a smudge.
  // So the result is checked again at 3/4 of the threshold (twice at most); anything found is
  // blurred too, and with
  // the Gaussian when a pixelated face still looks like a face.
  for (let pass = 0; pass < 2 && opts.detect !== false; pass++) {
    const again = await detectFaces(img, { ...detectOpts, minConfidence: 0.75 * (detectOpts.minConfidence ?? DEFAULT_MIN_CONFIDENCE) });
    if (again.length === 0) break;
    detected.push(...again);
    await obscureBoxes(img, again, 'blur', margin);
  }
  const format = img.format === 'png' ? 'png' : 'jpeg';
  const out = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  const image = await (format === 'png' ? out.png() : out.jpeg({ quality: 92 })).toBuffer();
  return {
    image,
    format,
    log: {
      detector: opts.detect === false ? detectorInfo({}) : { ...detectorInfo(detectOpts), orientations: (detectOpts.orientations ?? [0]).join(', ') },
      frames: [{ index: 0, boxes: [...detected.map((b) => ({ ...logBox(b), source: 'detector' as const })), ...manual.map((b) => ({ ...logBox(b), source: 'manual' as const }))] }],
    },
  };
}
