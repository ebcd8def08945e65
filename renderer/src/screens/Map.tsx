import { geoMercator, geoPath, type GeoProjection } from 'd3-geo';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GeoBounds, GpsMismatch, MapCluster, MapPlace } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { batkenRegion, COUNTRY_LABELS, loadBasemap, regionName, type Basemap } from '../map/basemap.ts';
import { placeLabels } from '../map/labels.ts';
import { placeName } from '../map/names.ts';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';
import '../map/map.css';

/** Pan and zoom over the base projection: screen = base × k + (x, y). */
interface View {
  k: number;
  x: number;
  y: number;
}

const K_MIN = 0.2; // most of Central Asia, without leaving the basemap's data
const K_MAX = 256; // a village's streets
const CELL_PX = 44; // items closer than this on screen are drawn as one cluster
const FONT_PX = 12;

let measureCtx: CanvasRenderingContext2D | null = null;
function measure(text: string, bold = false): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * FONT_PX * 0.6;
  measureCtx.font = `${bold ? '600 ' : ''}${FONT_PX}px system-ui, sans-serif`;
  return measureCtx.measureText(text).width + 4;
}

/**
 * The Map screen: the gazetteer's places labelled in the UI language over an offline basemap of
 * country and region outlines (Natural Earth), the items with GPS as dots and clusters binned by
 * the archive (map.points), and the items whose GPS lies far from the place they are tagged to.
 * Click a place → the Library filtered to it; Shift-drag a box → the items in it, selected in the
 * Library. Drag pans, the wheel zooms, keyboard: arrows, + and −, 0 to fit Batken again.
 */
export function MapScreen() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const app = useApp();
  const wrap = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [basemap, setBasemap] = useState<Basemap | null>(null);
  const [places, setPlaces] = useState<MapPlace[]>([]);
  const [view, setView] = useState<View>({ k: 1, x: 0, y: 0 });
  const [points, setPoints] = useState<{ total: number; clusters: MapCluster[] }>({ total: 0, clusters: [] });
  const [box, setBox] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [hover, setHover] = useState<GpsMismatch | null>(null);
  const drag = useRef<{ mode: 'pan' | 'box'; sx: number; sy: number; view: View; moved: boolean } | null>(null);

  useEffect(() => {
    loadBasemap().then(setBasemap, app.report);
  }, [app.report]);
  useEffect(() => {
    call('map.places', {}).then(setPlaces, app.report);
  }, [app.report, app.dataVersion]);
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize((s) => (s && s.w === el.clientWidth && s.h === el.clientHeight ? s : { w: el.clientWidth, h: el.clientHeight })));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The base projection is fitted once, to Batken region at the first size the map gets.
  const [proj, setProj] = useState<GeoProjection | null>(null);
  useEffect(() => {
    if (!basemap || !size || proj) return;
    const batken = batkenRegion(basemap);
    const p = geoMercator();
    p.fitExtent([[40, 40], [size.w - 40, size.h - 40]], batken);
    setProj(() => p);
  }, [basemap, size, proj]);

  const paths = useMemo(() => {
    if (!basemap || !proj) return null;
    const path = geoPath(proj);
    return {
      countries: basemap.countries.features.map((f, i) => ({ key: `${i}`, id: String(f.id), d: path(f) ?? '' })),
      regions: basemap.admin1.features.map((f, i) => ({ key: `${i}`, d: path(f) ?? '' })),
      borders: path(basemap.borders) ?? '',
      batken: path(basemap.batken) ?? '',
      rivers: path(basemap.rivers) ?? '',
      lakes: path(basemap.lakes) ?? '',
    };
  }, [basemap, proj]);

  const toScreen = useCallback((lon: number, lat: number): [number, number] => {
    const p = proj?.([lon, lat]) ?? [0, 0];
    return [p[0] * view.k + view.x, p[1] * view.k + view.y];
  }, [proj, view]);
  const toGeo = useCallback((sx: number, sy: number): [number, number] => proj?.invert?.([(sx - view.x) / view.k, (sy - view.y) / view.k]) ?? [0, 0], [proj, view]);

  const zoomAt = useCallback((factor: number, cx?: number, cy?: number) => {
    setView((v) => {
      const k = Math.min(K_MAX, Math.max(K_MIN, v.k * factor));
      const px = cx ?? (size?.w ?? 0) / 2;
      const py = cy ?? (size?.h ?? 0) / 2;
      return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
    });
  }, [size]);
  const reset = () => setView({ k: 1, x: 0, y: 0 });

  // The wheel zooms around the pointer (a native listener: React's is passive and cannot stop the page scrolling).
  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoomAt(Math.pow(2, -e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomAt, proj]);

  // The visible box, and the items in it binned by the archive (debounced while the view moves).
  const bounds = useMemo((): GeoBounds | null => {
    if (!proj || !size) return null;
    const [w, n] = toGeo(0, 0);
    const [e, s] = toGeo(size.w, size.h);
    const clamp = (v: number, lim: number) => Math.max(-lim, Math.min(lim, v));
    return { west: clamp(w, 180), south: clamp(s, 90), east: clamp(e, 180), north: clamp(n, 90) };
  }, [proj, size, toGeo]);
  useEffect(() => {
    if (!bounds || !size || bounds.west >= bounds.east || bounds.south >= bounds.north) return;
    let live = true;
    const cellDeg = ((bounds.east - bounds.west) / size.w) * CELL_PX;
    const timer = setTimeout(() => {
      call('map.points', { bounds, cellDeg: Math.min(360, Math.max(1e-6, cellDeg)) }).then((r) => live && setPoints(r), app.report);
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [bounds, size, app.report, app.dataVersion]);

  const openPlace = (id: string) => {
    app.setFilter({ placeId: id });
    app.setSelection(new Set());
    app.go({ screen: 'library' });
  };
  const selectBox = async (b: GeoBounds) => {
    try {
      const filter = { bbox: b };
      const v = await call('items.view', { filter, sort: app.sort });
      const { ids } = await call('items.ids', { view: v.view });
      app.setFilter(filter);
      app.setSelection(new Set(ids));
      app.go({ screen: 'library' });
    } catch (e) {
      app.report(e);
    }
  };

  const local = (e: { clientX: number; clientY: number }): [number, number] => {
    const r = svgRef.current!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    const [sx, sy] = local(e);
    drag.current = { mode: e.shiftKey ? 'box' : 'pan', sx, sy, view, moved: false };
    svgRef.current?.setPointerCapture(e.pointerId);
    svgRef.current?.focus({ preventScroll: true });
  };
  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    const [sx, sy] = local(e);
    if (Math.abs(sx - d.sx) + Math.abs(sy - d.sy) > 3) d.moved = true;
    if (d.mode === 'pan') setView({ ...d.view, x: d.view.x + sx - d.sx, y: d.view.y + sy - d.sy });
    else setBox({ x0: Math.min(d.sx, sx), y0: Math.min(d.sy, sy), x1: Math.max(d.sx, sx), y1: Math.max(d.sy, sy) });
  };
  const onPointerUp = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    drag.current = null;
    svgRef.current?.releasePointerCapture(e.pointerId);
    if (!d) return;
    if (d.mode === 'box') {
      const b = box;
      setBox(null);
      if (b && b.x1 - b.x0 > 4 && b.y1 - b.y0 > 4) {
        const [west, north] = toGeo(b.x0, b.y0);
        const [east, south] = toGeo(b.x1, b.y1);
        void selectBox({ west, south, east, north });
      }
      return;
    }
    if (!d.moved) {
      // A click: on a place or an item (found by position, as the map captured the pointer).
      // The nearest place or item dot within reach wins (they can lie a few pixels apart).
      const [sx, sy] = local(e);
      let best: { d: number; go: () => void } | null = null;
      for (const p of places) {
        const [px, py] = toScreen(p.lon, p.lat);
        const d = Math.hypot(px - sx, py - sy);
        if (d <= 7 && (!best || d < best.d)) best = { d, go: () => openPlace(p.id) };
      }
      for (const c of points.clusters) {
        const [px, py] = toScreen(c.lon, c.lat);
        const d = Math.hypot(px - sx, py - sy);
        if (d <= clusterRadius(c.n) + 2 && (!best || d < best.d)) best = { d, go: () => (c.id ? app.go({ screen: 'item', id: c.id }) : zoomAt(4, sx, sy)) };
      }
      best?.go();
    }
  };
  const onKeyDown = (e: ReactKeyboardEvent) => {
    const step = 80;
    const pan = (dx: number, dy: number) => setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    const keys: Record<string, () => void> = {
      ArrowLeft: () => pan(step, 0), ArrowRight: () => pan(-step, 0), ArrowUp: () => pan(0, step), ArrowDown: () => pan(0, -step),
      '+': () => zoomAt(2), '=': () => zoomAt(2), '-': () => zoomAt(0.5), _: () => zoomAt(0.5), '0': reset,
    };
    const f = keys[e.key];
    if (f) {
      e.preventDefault();
      f();
    }
  };

  // Labels: places with items first, then towns, then the other villages, then regions.
  const labels = useMemo(() => {
    if (!proj || !size || !basemap) return [];
    // Zoomed out, only the places with items and the towns are named; the villages come back closer in.
    const input = places.filter((p) => view.k >= 0.5 || p.itemCount > 0 || p.kind === 'town').map((p) => {
      const [x, y] = toScreen(p.lon, p.lat);
      return { key: `p:${p.id}`, x, y, text: placeName(p, lng) };
    });
    const regions = view.k < 0.5 || view.k > 12 ? [] : basemap.admin1.features.map((f, i) => {
      const [x, y] = toScreen(f.properties.lon, f.properties.lat);
      return { key: `r:${i}`, x, y, text: regionName(f.properties, lng) };
    });
    return placeLabels([...input, ...regions], (s) => measure(s), { width: size.w, height: size.h, fontPx: FONT_PX + 2, markerPx: 4 });
  }, [places, proj, size, basemap, toScreen, lng, view.k]);
  const labelText = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of places) m.set(`p:${p.id}`, placeName(p, lng));
    (basemap?.admin1.features ?? []).forEach((f, i) => m.set(`r:${i}`, regionName(f.properties, lng)));
    return m;
  }, [places, basemap, lng]);

  const countryLabels = useMemo(() => {
    if (!proj || !size) return [];
    const cx = size.w / 2;
    const cy = size.h / 2;
    return Object.values(COUNTRY_LABELS).flatMap((c) => {
      const inView = ([x, y]: [number, number]) => x > 60 && y > 30 && x < size.w - 60 && y < size.h - 30;
      const all = c.at.map(([lon, lat]) => toScreen(lon, lat));
      const pts = all.filter(inView);
      if (!pts.length) return [];
      // The country's main point when it is on screen, else the one nearest the centre.
      const [x, y] = inView(all[0]!) ? all[0]! : pts.reduce((a, b) => (Math.hypot(a[0] - cx, a[1] - cy) <= Math.hypot(b[0] - cx, b[1] - cy) ? a : b));
      return [{ code: c.code, x, y }];
    });
  }, [proj, size, toScreen]);

  const kmPer100px = useMemo(() => {
    if (!proj || !size) return null;
    const [lon1, lat1] = toGeo(size.w / 2 - 50, size.h / 2);
    const [lon2] = toGeo(size.w / 2 + 50, size.h / 2);
    return (Math.abs(lon2 - lon1) * 111.32 * Math.cos((lat1 * Math.PI) / 180));
  }, [proj, size, toGeo]);
  const scaleBar = kmPer100px ? niceScale(kmPer100px) : null;

  const hoverLine: [[number, number], [number, number]] | null = hover && proj ? [toScreen(hover.itemLon, hover.itemLat), toScreen(hover.placeLon, hover.placeLat)] : null;
  const tr = `translate(${view.x},${view.y}) scale(${view.k})`;
  return (
    <div className="map-screen">
      <div className="map-main">
        <div className="toolbar map-toolbar">
          <div className="segmented" role="group" aria-label={t('map.zoom')}>
            <button type="button" onClick={() => zoomAt(2)} aria-label={t('map.zoomIn')} title={t('map.zoomIn')} data-testid="map-zoom-in">+</button>
            <button type="button" onClick={() => zoomAt(0.5)} aria-label={t('map.zoomOut')} title={t('map.zoomOut')} data-testid="map-zoom-out">−</button>
            <button type="button" onClick={reset} data-testid="map-reset">{t('map.reset')}</button>
          </div>
          <span className="muted map-hint">{t('map.hint')}</span>
          <span className="spacer" />
          <span data-testid="map-count">{t('map.itemsInView', { count: points.total, n: formatNumber(points.total, lng) })}</span>
        </div>
        <div className="map-canvas" ref={wrap}>
          {size && (
            <svg ref={svgRef} width={size.w} height={size.h} className="map-svg" role="application" aria-label={t('map.label')} aria-describedby="map-keys" tabIndex={0}
              data-testid="map-svg" onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onKeyDown={onKeyDown}>
              <rect width={size.w} height={size.h} className="map-water" />
              {paths && (
                <g transform={tr}>
                  {paths.countries.map((c) => <path key={c.key} d={c.d} className={c.id === '417' ? 'map-country home' : 'map-country'} />)}
                  <path d={paths.batken} className="map-batken" />
                  {/* Water under the borders (the Amu Darya is one) and, outside this group, under every label. */}
                  <path d={paths.lakes} className="map-lake" data-testid="map-lakes" />
                  <path d={paths.rivers} className="river map-river" data-testid="map-rivers" />
                  {paths.regions.map((r) => <path key={r.key} d={r.d} className="map-region" />)}
                  <path d={paths.borders} className="map-border" />
                </g>
              )}
              {countryLabels.map((c) => <text key={c.code} x={c.x} y={c.y} className="map-country-label" textAnchor="middle">{t(`map.country.${c.code}`)}</text>)}
              {labels.filter((l) => l.key.startsWith('r:')).map((l) => (
                <text key={l.key} x={l.x} y={l.y} textAnchor={l.anchor} className="map-region-label">{labelText.get(l.key)}</text>
              ))}
              {/* Drawn in reverse order of importance, so a village with items lies on top of its neighbours' dots. */}
              {[...places].reverse().map((p) => {
                const [x, y] = toScreen(p.lon, p.lat);
                if (x < -10 || y < -10 || x > size.w + 10 || y > size.h + 10) return null;
                const name = placeName(p, lng);
                return (
                  <g key={p.id} className={p.itemCount ? 'map-place has-items' : 'map-place'} role="button" tabIndex={0} data-testid="map-place" data-place-id={p.id}
                    aria-label={t('map.placeButton', { name, count: p.itemCount })} onKeyDown={(e) => e.key === 'Enter' && openPlace(p.id)}>
                    <title>{t('map.placeButton', { name, count: p.itemCount })}</title>
                    <circle cx={x} cy={y} r={p.itemCount ? 5 : 3.5} />
                  </g>
                );
              })}
              {points.clusters.map((c) => {
                const [x, y] = toScreen(c.lon, c.lat);
                const r = clusterRadius(c.n);
                return (
                  <g key={`${c.lat},${c.lon}`} className="map-cluster" data-testid="map-cluster" data-n={c.n} data-item-id={c.id ?? undefined}>
                    <circle cx={x} cy={y} r={r} />
                    {c.n > 1 && <text x={x} y={y + 4} textAnchor="middle">{formatNumber(c.n, lng)}</text>}
                  </g>
                );
              })}
              {labels.filter((l) => l.key.startsWith('p:')).map((l) => (
                <text key={l.key} x={l.x} y={l.y} textAnchor={l.anchor} className="map-place-label" data-testid="map-place-label" data-place-id={l.key.slice(2)}>{labelText.get(l.key)}</text>
              ))}
              {hoverLine && (
                <g className="map-mismatch-line">
                  <line x1={hoverLine[0][0]} y1={hoverLine[0][1]} x2={hoverLine[1][0]} y2={hoverLine[1][1]} />
                  <circle cx={hoverLine[0][0]} cy={hoverLine[0][1]} r={6} />
                  {hover && <MismatchLabel from={hoverLine[1]} to={hoverLine[0]} text={formatKm(hover.distanceM, lng, t)} />}
                </g>
              )}
              {box && <rect x={box.x0} y={box.y0} width={box.x1 - box.x0} height={box.y1 - box.y0} className="map-box" data-testid="map-box" />}
              {scaleBar && (
                <g className="map-scale" transform={`translate(12,${size.h - 16})`}>
                  <line x1={0} x2={scaleBar.px} y1={0} y2={0} />
                  <text x={scaleBar.px + 6} y={4}>{t('map.km', { km: formatNumber(scaleBar.km, lng) })}</text>
                </g>
              )}
              <text x={size.w - 8} y={size.h - 8} textAnchor="end" className="map-attribution">{t('map.attribution')}</text>
            </svg>
          )}
        </div>
        <p id="map-keys" className="sr-only">{t('map.keys')}</p>
      </div>
      <MismatchPanel onHover={setHover} places={places} />
    </div>
  );
}

/** A distance given in metres as kilometres with one decimal, in `lng` ("4,831.7 km", "4 831,7 км"). */
export function formatKm(m: number, lng: string, t: (key: string, o: Record<string, string>) => string): string {
  return t('map.km', { km: new Intl.NumberFormat(lng, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(m / 1000) });
}

function clusterRadius(n: number): number {
  return n === 1 ? 5 : Math.min(22, 8 + Math.log2(n) * 2.5);
}

/** A round distance for the scale bar (1, 2, 5 × 10ⁿ km) and its length in pixels, given the km per 100 px. */
function niceScale(kmPer100: number): { km: number; px: number } {
  const target = kmPer100;
  const p = Math.pow(10, Math.floor(Math.log10(target)));
  const km = [5, 2, 1].map((m) => m * p).find((candidate) => target >= candidate) ?? p;
  return { km, px: (km / kmPer100) * 100 };
}

/** The distance written along a mismatch line, a little way from the place towards the item's position. */
function MismatchLabel({ from, to, text }: { from: [number, number]; to: [number, number]; text: string }) {
  const len = Math.hypot(to[0] - from[0], to[1] - from[1]) || 1;
  const d = Math.min(60, len / 2);
  const x = from[0] + ((to[0] - from[0]) / len) * d;
  const y = from[1] + ((to[1] - from[1]) / len) * d;
  return <text x={x} y={y - 8} textAnchor="middle" className="map-mismatch-distance" data-testid="map-mismatch-distance">{text}</text>;
}

/** The items whose GPS lies farther than the threshold (a setting) from a place they are tagged to. */
function MismatchPanel({ onHover, places }: { onHover: (m: GpsMismatch | null) => void; places: MapPlace[] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const app = useApp();
  const km = app.settings.gpsMismatchKm;
  const [draft, setDraft] = useState(String(km));
  const [rows, setRows] = useState<{ total: number; rows: GpsMismatch[] } | null>(null);
  useEffect(() => setDraft(String(km)), [km]);
  useEffect(() => {
    let live = true;
    call('map.mismatches', { maxKm: km, limit: 200 }).then((r) => live && setRows(r), app.report);
    return () => {
      live = false;
    };
  }, [km, app.report, app.dataVersion, places]);
  const save = () => {
    const v = Number(draft.replace(',', '.'));
    if (!(v > 0) || v > 20_000) return setDraft(String(km));
    if (v !== km) call('settings.set', { gpsMismatchKm: v }).then(app.setSettings, app.report);
  };
  const dist = (m: number) => formatKm(m, lng, t);
  return (
    <aside className="map-side" aria-labelledby="mismatch-title">
      <h2 id="mismatch-title">{t('map.mismatch.title')}</h2>
      <p className="muted">{t('map.mismatch.explain')}</p>
      <label className="map-threshold">{t('map.mismatch.threshold')}
        <input type="number" min={0.1} max={20000} step={1} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={save}
          onKeyDown={(e) => e.key === 'Enter' && save()} data-testid="map-mismatch-km" />
      </label>
      {rows && <p data-testid="map-mismatch-count">{t('map.mismatch.count', { count: rows.total, n: formatNumber(rows.total, lng) })}</p>}
      <ul className="map-mismatch-list">
        {rows?.rows.map((m) => (
          <li key={`${m.itemId} ${m.placeId}`}>
            <button type="button" className="map-mismatch-row" data-testid="map-mismatch-row" data-item-id={m.itemId}
              onMouseEnter={() => onHover(m)} onMouseLeave={() => onHover(null)} onFocus={() => onHover(m)} onBlur={() => onHover(null)}
              onClick={() => app.go({ screen: 'item', id: m.itemId })}>
              <span className="name" title={m.name}>{m.name}</span>
              <span className="flag">{t('map.mismatch.row', { distance: dist(m.distanceM), place: placeName({ nameEn: m.placeNameEn, nameRu: m.placeNameRu, nameKy: m.placeNameKy }, lng) })}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
