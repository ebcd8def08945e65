// The geometry of searching turned pictures: a box found on the picture turned a quarter maps back
// onto the same pixels of the upright picture, the blur margin grows on the forehead's side, and
// the video probe schedule searches the turns the policy says, when it says.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { growBox } from '../../electron/core/redact/blur.ts';
import { ALL_ORIENTATIONS, keepTurned, TURNED_MIN_SCORE, unturnBox, type Box } from '../../electron/core/redact/faces.ts';
import { OrientationPlanner } from '../../electron/core/redact/video-faces.ts';

/** The bounding box of the white pixels of a raw picture (first channel). */
function whiteBox(data: Buffer, width: number, height: number, channels: number): Box {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * channels]! > 128) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, score: 1 };
}

describe('unturnBox', () => {
  it('maps a box found on the picture turned clockwise (as sharp turns it) back onto the upright pixels', async () => {
    const [W, H] = [40, 30];
    const upright = Buffer.alloc(W * H);
    const mark = { x: 5, y: 3, w: 9, h: 4 };
    for (let y = mark.y; y < mark.y + mark.h; y++) upright.fill(255, y * W + mark.x, y * W + mark.x + mark.w);
    for (const o of ALL_ORIENTATIONS) {
      const { data, info } = await sharp(upright, { raw: { width: W, height: H, channels: 1 } }).rotate(o).raw().toBuffer({ resolveWithObject: true });
      const found = whiteBox(data, info.width, info.height, info.channels);
      expect({ o, box: unturnBox(found, o, W, H) }).toEqual({ o, box: { ...mark, score: 1, orientation: o } });
    }
  });
});

describe('growBox', () => {
  it('grows the forehead side by 1.6× the margin, wherever the turn put the forehead', () => {
    const b = { x: 100, y: 100, w: 100, h: 100 };
    const sides = (r: { x: number; y: number; w: number; h: number }) => ({ left: 100 - r.x, top: 100 - r.y, right: r.x + r.w - 200, bottom: r.y + r.h - 200 });
    expect(sides(growBox(b, 25, 1000, 1000)!)).toEqual({ left: 25, top: 40, right: 25, bottom: 25 });
    expect(sides(growBox({ ...b, orientation: 180 }, 25, 1000, 1000)!)).toEqual({ left: 25, top: 25, right: 25, bottom: 40 });
    expect(sides(growBox({ ...b, orientation: 90 }, 25, 1000, 1000)!)).toEqual({ left: 40, top: 25, right: 25, bottom: 25 });
    expect(sides(growBox({ ...b, orientation: 270 }, 25, 1000, 1000)!)).toEqual({ left: 25, top: 25, right: 40, bottom: 25 });
  });
});

describe('OrientationPlanner', () => {
  const face = (orientation: 0 | 90 | 180 | 270): Box => ({ x: 0, y: 0, w: 10, h: 10, score: 0.9, orientation });

  it('probe: all four turns on the first detection frame and once a second, a turn that found a face until it has been quiet for the linger', () => {
    // 25 fps, detection every 4th frame, probe every 25 frames, linger 75 frames
    const p = new OrientationPlanner('probe', 25, 75);
    const seen: string[] = [];
    for (let i = 0; i <= 200; i += 4) {
      const { turns, probe } = p.turnsAt(i);
      seen.push(`${i}:${turns.join('/')}${probe ? '*' : ''}`);
      // an upside-down face in view from frame 40 to frame 100
      p.found(i, i >= 40 && i <= 100 && turns.includes(180) ? [face(180), face(0)] : [face(0)]);
    }
    expect(seen.slice(0, 8)).toEqual(['0:0/90/180/270*', '4:0', '8:0', '12:0', '16:0', '20:0', '24:0', '28:0/90/180/270*']);
    // missed from 40 until the probe at 56, then searched on every detection frame
    expect(seen.filter((s) => /^(40|52|56|60|100):/u.test(s))).toEqual(['40:0', '52:0', '56:0/90/180/270*', '60:0/180', '100:0/180']);
    // still searched 75 frames after its last find at 100, dropped after
    expect(seen.find((s) => s.startsWith('172:'))).toBe('172:0/180');
    expect(seen.find((s) => s.startsWith('180:'))).toBe('180:0');
    expect(p.describe()).toMatch(/^probe: /u);
  });

  it('upright searches as shot only; all searches every turn every time', () => {
    const up = new OrientationPlanner('upright', 25, 75);
    const all = new OrientationPlanner('all', 25, 75);
    for (const i of [0, 4, 8, 40]) {
      expect(up.turnsAt(i).turns).toEqual([0]);
      expect(all.turnsAt(i).turns).toEqual([0, 90, 180, 270]);
    }
  });
});

describe('keepTurned', () => {
  const box = (score: number, x: number, y: number, w: number, h: number, orientation: 0 | 90 | 180 | 270): Box => ({ x, y, w, h, score, orientation });
  it('drops the boxes a turn finds on confident upright faces (the crowd clip as shot, 640 px, frame at 1.2 s)', () => {
    const upright = [box(0.98, 416, 136, 22, 33, 0), box(0.95, 520, 129, 49, 51, 0), box(0.87, 274, 108, 31, 42, 0), box(0.6, 159, 97, 23, 40, 0)];
    const at270 = [box(0.92, 261, 99, 56, 55, 270), box(0.76, 410, 144, 31, 24, 270), box(0.61, 515, 136, 59, 35, 270), box(0.45, 156, 91, 65, 46, 270)];
    expect(keepTurned(at270, upright, TURNED_MIN_SCORE)).toEqual([]);
  });
  it('keeps a turn only when one of its boxes scores 0.5 off the upright faces, then its weaker boxes too', () => {
    // the upside-down portrait at 640 px: the man 0.76 at 180° (0.45 upright), the woman in profile 0.33
    const upright = [box(0.45, 472, 403, 95, 152, 0)];
    const at180 = [box(0.76, 466, 402, 116, 139, 180), box(0.33, 235, 458, 71, 152, 180)];
    expect(keepTurned(at180, upright, TURNED_MIN_SCORE)).toEqual(at180);
    // weak alone: nothing at that turn counts
    expect(keepTurned([box(0.45, 600, 10, 40, 40, 90), box(0.3, 100, 100, 30, 30, 90)], upright, TURNED_MIN_SCORE)).toEqual([]);
    // a confident upright face on the man hides his turned box; the woman's alone is too weak
    expect(keepTurned(at180, [box(0.8, 472, 403, 95, 152, 0)], TURNED_MIN_SCORE)).toEqual([]);
  });
});
