// Label placement for the Map screen: each label tries a few positions around its point (right,
// left, above, below) and takes the first that overlaps no label placed before it and no other
// point's marker; a label that fits nowhere is left out (it shows when the user zooms in). Labels
// are placed in the order given, so callers put the important ones (places with items, towns)
// first. Greedy and O(n²): the gazetteer shows tens of labels, not thousands.

export interface LabelInput {
  key: string;
  /** The point in screen pixels. */
  x: number;
  y: number;
  text: string;
}

export interface PlacedLabel {
  key: string;
  /** Where the text is drawn: its anchor point and SVG text-anchor. */
  x: number;
  y: number;
  anchor: 'start' | 'end' | 'middle';
  /** The box the text occupies, in screen pixels. */
  box: Box;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Places `labels` without overlap inside the `width`×`height` view. `measure(text)` gives a text's
 * width in pixels; `fontPx` its height; `markerPx` the radius of each point's dot, which labels
 * also avoid (a label that cannot avoid them all may cover the dots of labels after it in the
 * order). Returns the labels kept, with their positions.
 */
export function placeLabels(labels: LabelInput[], measure: (text: string) => number, opts: { width: number; height: number; fontPx: number; markerPx: number }): PlacedLabel[] {
  const { fontPx: h, markerPx: r } = opts;
  const taken: Box[] = labels.map((l) => ({ x0: l.x - r, y0: l.y - r, x1: l.x + r, y1: l.y + r }));
  const placed: PlacedLabel[] = [];
  const gap = r + 3;
  labels.forEach((l, i) => {
    if (l.x < -50 || l.y < -20 || l.x > opts.width + 50 || l.y > opts.height + 20) return;
    const w = measure(l.text);
    const candidates: PlacedLabel[] = [
      { key: l.key, x: l.x + gap, y: l.y + h * 0.35, anchor: 'start', box: { x0: l.x + gap, y0: l.y - h / 2, x1: l.x + gap + w, y1: l.y + h / 2 } },
      { key: l.key, x: l.x - gap, y: l.y + h * 0.35, anchor: 'end', box: { x0: l.x - gap - w, y0: l.y - h / 2, x1: l.x - gap, y1: l.y + h / 2 } },
      { key: l.key, x: l.x, y: l.y - gap - h * 0.15, anchor: 'middle', box: { x0: l.x - w / 2, y0: l.y - gap - h, x1: l.x + w / 2, y1: l.y - gap } },
      { key: l.key, x: l.x, y: l.y + gap + h * 0.8, anchor: 'middle', box: { x0: l.x - w / 2, y0: l.y + gap, x1: l.x + w / 2, y1: l.y + gap + h } },
    ];
    const fits = (c: PlacedLabel, markersFrom: number) => c.box.x0 >= 0 && c.box.x1 <= opts.width && c.box.y0 >= 0 && c.box.y1 <= opts.height
      && !placed.some((p) => overlaps(p.box, c.box)) && !taken.some((t, j) => j !== i && j < markersFrom && overlaps(t, c.box));
    // First clear of every marker; failing that, clear of the markers of labels that come before
    // (a dense cluster of villages must not hide the one the user tagged items to).
    const c = candidates.find((x) => fits(x, taken.length)) ?? candidates.find((x) => fits(x, i));
    if (c) placed.push(c);
  });
  return placed;
}
