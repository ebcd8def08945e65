// The Map screen's label placer: no two labels overlap, none leaves the view, labels given first
// win a contested spot, and a label moves to the other side of its point when the first is taken.
import { describe, expect, it } from 'vitest';
import { placeLabels, type Box } from '../../renderer/src/map/labels.ts';

const measure = (s: string) => s.length * 7;
const opts = { width: 400, height: 300, fontPx: 14, markerPx: 4 };
const overlap = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

describe('placeLabels', () => {
  it('puts a lone label to the right of its point', () => {
    const [l] = placeLabels([{ key: 'a', x: 100, y: 100, text: 'Kok-Tash' }], measure, opts);
    expect(l).toMatchObject({ key: 'a', anchor: 'start', box: { x0: 107, x1: 107 + 56 } });
  });

  it('moves a label left of its point at the right edge of the view', () => {
    const [l] = placeLabels([{ key: 'a', x: 390, y: 100, text: 'Batken' }], measure, opts);
    expect(l!.anchor).toBe('end');
    expect(l!.box.x1).toBeLessThanOrEqual(400);
  });

  it('never overlaps two labels, keeps the first of a crowded cluster, and drops what does not fit', () => {
    // Villages a few pixels apart, as Kok-Tash and Kochoboyu are at the opening zoom.
    const input = Array.from({ length: 12 }, (_, i) => ({ key: `v${i}`, x: 200 + (i % 3) * 4, y: 150 + Math.floor(i / 3) * 4, text: `Village ${i}` }));
    const placed = placeLabels(input, measure, opts);
    expect(placed[0]!.key).toBe('v0');
    expect(placed.length).toBeGreaterThanOrEqual(2);
    expect(placed.length).toBeLessThan(12);
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) expect(overlap(placed[i]!.box, placed[j]!.box)).toBe(false);
      expect(placed[i]!.box.x0).toBeGreaterThanOrEqual(0);
      expect(placed[i]!.box.y1).toBeLessThanOrEqual(300);
    }
  });

  it('keeps labels off the other points’ dots when there is room', () => {
    const placed = placeLabels([{ key: 'a', x: 100, y: 100, text: 'Ak-Sai' }, { key: 'b', x: 115, y: 100, text: 'Vorukh' }], measure, opts);
    const a = placed.find((p) => p.key === 'a')!;
    expect(a.anchor).not.toBe('start'); // right of a is b's dot
    expect(overlap(a.box, { x0: 111, y0: 96, x1: 119, y1: 104 })).toBe(false);
  });
});
