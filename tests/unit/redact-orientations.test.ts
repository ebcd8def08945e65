// The geometry of searching turned pictures: a box found on the picture turned a quarter maps back
// onto the same pixels of the upright picture, the blur margin grows on the forehead's side, and
// the video probe schedule searches the turns the policy says, when it says.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { growBox } from '../../electron/core/redact/blur.ts';
import { ALL_ORIENTATIONS, unturnBox, type Box } from '../../electron/core/redact/faces.ts';
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
