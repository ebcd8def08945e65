// The virtualized grid and list of items (TanStack Virtual): only the rows on screen exist in
// the DOM, and only the pages of the Library view around them are fetched (items.page), so a
// million items open and scroll as smoothly as 20. Clicking a name opens the item; the
// checkboxes (and Shift-click for a range, whose ids come from items.ids) make the selection
// that Export and tagging use. A grouped view (by day, card/reel or place) puts a heading row with
// the group's count before each group's rows. The keyboard: arrows move, Space shows the item
// large (QuickLook), Enter opens it, Ctrl/Cmd-A selects every item of the view.
import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogRow, ItemGroup, ItemGroupBy, ItemSummary } from '../../../electron/common/ipc.ts';
import { BridgeError, call } from '../bridge.ts';
import { formatBytes, formatDuration, formatNumber } from '../format.ts';
import { fitMiddle, formatCaptureShort, formatDay, formatFps, formatResolution } from '../library-format.ts';
import { useApp } from '../state.tsx';
import { Thumb } from './Thumb.tsx';
import { Badges, badgesOf, Tile } from './Tile.tsx';
import { QuickLook } from './QuickLook.tsx';

/** Items fetched per items.page call (and asked of items.view as its first page: `first`). */
export const PAGE = 200;

/** A Library view (items.view): its id and how many items it holds. */
export interface LibraryView {
  view: string;
  total: number;
  /** The groups of a grouped view, in order (items.view). */
  groups?: ItemGroup[];
  /** Its first page (items.view with `first: PAGE`), drawn without asking items.page. */
  items?: ItemSummary[];
}

/**
 * The items of `view` at the positions asked for, fetched a page at a time and kept while the
 * view lasts. `get(i)` is the item at position i or undefined while its page is on its way;
 * `want(from, to)` fetches the pages covering positions [from, to]. An expired view calls
 * `onExpired` (the Library makes a new one).
 */
function usePages(view: LibraryView, onExpired: () => void, report: (e: unknown) => void) {
  const pages = useRef(new Map<number, ItemSummary[]>());
  const asked = useRef(new Set<number>());
  const [, setVersion] = useState(0);
  // A new view starts from the page it came with, in this very render: no placeholder frame and
  // no items.page round trip before the first tiles.
  const of = useRef<string | null>(null);
  if (of.current !== view.view) {
    of.current = view.view;
    const first = view.items && view.items.length === Math.min(PAGE, view.total) ? view.items : null;
    pages.current = new Map(first ? [[0, first]] : []);
    asked.current = new Set(first ? [0] : []);
  }
  const want = useCallback((from: number, to: number) => {
    for (let p = Math.floor(from / PAGE); p <= Math.floor(to / PAGE); p++) {
      if (asked.current.has(p) || p * PAGE >= view.total) continue;
      asked.current.add(p);
      const forView = view.view;
      call('items.page', { view: forView, offset: p * PAGE, limit: PAGE }).then((r) => {
        if (forView !== view.view) return;
        pages.current.set(p, r.items);
        setVersion((v) => v + 1);
      }, (e: unknown) => {
        asked.current.delete(p);
        if (e instanceof BridgeError && e.code === 'NOT_FOUND') onExpired();
        else report(e);
      });
    }
  }, [view, onExpired, report]);
  const get = (i: number): ItemSummary | undefined => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE];
  return { get, want };
}

const ROW = 56;
const HEADER = 36;
/**
 * The tallest scrolling area drawn. Browsers stop at about 33.5 million pixels (Chromium) or
 * 17.9 million (Firefox): a million list rows of 40 px would end out of reach. Past this
 * height the scroll bar moves through the rows proportionally (see scale below).
 */
const MAX_HEIGHT = 10_000_000;

/**
 * The browser's content width as last measured: a browser made anew (each filter, order or view
 * change makes one) starts from it, not from a guess, so its first render already lays out the
 * right number of columns (a guess cost a second full render of every tile before the first paint).
 */
let lastWidth = 800;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(lastWidth);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setW((lastWidth = e!.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

/** A row of the browser: a group's heading, or up to `cols` items from view position `start`. */
type RowAt = { header: number } | { start: number; n: number };

/**
 * Where rows fall in a view of `total` items laid out `cols` to a row, each group (when given)
 * opening with a heading row: the row count, the row at an index and the row holding a view
 * position, each by binary search over the groups (a day-grouped million items has a few
 * thousand groups; nothing per item is built).
 */
export function layoutRows(total: number, cols: number, groups: ItemGroup[] | undefined) {
  if (!groups) {
    return {
      rows: Math.ceil(total / cols),
      at: (r: number): RowAt => ({ start: r * cols, n: Math.min(cols, total - r * cols) }),
      rowOf: (pos: number) => Math.floor(pos / cols),
    };
  }
  const rowStart: number[] = [];
  const posStart: number[] = [];
  let rows = 0;
  let pos = 0;
  for (const g of groups) {
    rowStart.push(rows);
    posStart.push(pos);
    rows += 1 + Math.ceil(g.count / cols);
    pos += g.count;
  }
  const find = (arr: number[], v: number) => {
    let lo = 0;
    let hi = arr.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (arr[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    rows,
    at: (r: number): RowAt => {
      const g = find(rowStart, r);
      const local = r - rowStart[g]!;
      if (local === 0) return { header: g };
      const from = (local - 1) * cols;
      return { start: posStart[g]! + from, n: Math.min(cols, groups[g]!.count - from) };
    },
    rowOf: (p: number) => {
      const g = find(posStart, p);
      return rowStart[g]! + 1 + Math.floor((p - posStart[g]!) / cols);
    },
  };
}

/** The list view's columns (after the checkbox), their sort key when they have one, and their width. */
const COLUMNS = [
  ['thumb', null, '80px'], ['name', 'name', 'minmax(180px, 1.6fr)'], ['date', 'capturedAt', '152px'], ['duration', 'duration', '60px'],
  ['resolution', 'resolution', '84px'], ['fps', null, '44px'], ['codec', 'codec', '72px'], ['camera', 'camera', 'minmax(120px, 1.4fr)'],
  ['reel', 'reel', '84px'], ['size', 'bytes', '68px'], ['places', null, 'minmax(56px, .6fr)'], ['tags', null, 'minmax(56px, .6fr)'],
] as const;
const LIST_TEMPLATE = `24px ${COLUMNS.map((c) => c[2]).join(' ')}`;
const NO_PLACES: CatalogRow[] = [];

/**
 * The browser of a Library view. `places` are the catalog's places for their names (list column,
 * place headings): the screen reads them once, not each browser it makes (one per filter).
 */
export function ItemBrowser({ items: libraryView, view, tileSize = 180, groupBy = 'none', places: placeRows = NO_PLACES, onExpired, onSelectAll }: {
  items: LibraryView; view: 'grid' | 'list'; tileSize?: number; groupBy?: ItemGroupBy; places?: CatalogRow[]; onExpired: () => void; onSelectAll?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const gap = 12;
  const cols = view === 'grid' ? Math.max(1, Math.floor((width - 12 + gap) / (tileSize + gap))) : 1;
  // The tiles share the row's width: the zoom picks how many fit, they then grow to fill it.
  const tileWidth = view === 'grid' ? Math.floor((width - 12 - (cols - 1) * gap) / cols) : tileSize;
  const total = libraryView.total;
  const layout = useMemo(() => layoutRows(total, cols, libraryView.groups), [total, cols, libraryView.groups]);
  const rows = layout.rows;
  const rowSize = view === 'grid' ? Math.round((tileWidth * 9) / 16) + (tileWidth >= 150 ? 74 : 58) : ROW;
  const sizeOf = useCallback((r: number) => ('header' in layout.at(r) ? HEADER : rowSize), [layout, rowSize]);
  const places = placeRows;
  const placeName = useMemo(() => new Map(places.map((p) => [String(p.id), p.name])), [places]);
  // scale = how many pixels of rows one pixel of scroll bar moves over (1 up to MAX_HEIGHT): the
  // virtualizer works in row pixels, the scroll element in drawn pixels.
  const scale = useRef(1);
  const viewport = scroller.current?.clientHeight ?? 0;
  const groupCount = libraryView.groups?.length ?? 0;
  const fullHeight = (rows - groupCount) * rowSize + groupCount * HEADER;
  scale.current = fullHeight > MAX_HEIGHT ? (fullHeight - viewport) / (MAX_HEIGHT - viewport) : 1;
  const virt = useVirtualizer({
    count: rows, getScrollElement: () => scroller.current, estimateSize: sizeOf, overscan: 6,
    observeElementOffset: (instance, cb) => observeElementOffset(instance, (offset, scrolling) => cb(offset * scale.current, scrolling)),
    scrollToFn: (offset, options, instance) => elementScroll(offset / scale.current, options, instance),
  });
  useEffect(() => virt.measure(), [virt, rowSize, layout]);
  // Rows are placed relative to what is drawn: a row's distance from the top of the view in row
  // pixels is its distance in drawn pixels too.
  const drawnOffset = (virt.scrollOffset ?? 0) / scale.current;
  const shift = drawnOffset - (virt.scrollOffset ?? 0);
  const lastClicked = useRef<number | null>(null);
  const { get, want } = usePages(libraryView, onExpired, app.report);
  const [cursor, setCursor] = useState(0);
  const [looking, setLooking] = useState(false);
  const shown = virt.getVirtualItems();
  const first = shown[0]?.index ?? 0;
  const last = shown[shown.length - 1]?.index ?? 0;
  useEffect(() => {
    if (!total) return;
    const a = layout.at(first);
    const b = layout.at(last);
    const from = 'header' in a ? (first + 1 < rows ? (layout.at(first + 1) as { start: number }).start ?? 0 : 0) : a.start;
    const to = 'header' in b ? Math.max(0, from) : b.start + b.n - 1;
    want(Math.max(0, from), Math.min(total - 1, Math.max(from, to)));
  }, [first, last, layout, rows, total, want]);

  const toggle = (index: number, shift: boolean) => {
    const id = get(index)!.id;
    const on = !app.selection.has(id);
    const from = lastClicked.current;
    lastClicked.current = index;
    if (shift && from !== null) {
      // The range may run through pages never fetched: its ids come from the view itself.
      const [a, b] = [Math.min(from, index), Math.max(from, index)];
      call('items.ids', { view: libraryView.view, offset: a, limit: b - a + 1 }).then((r) => {
        const next = new Set(app.selection);
        for (const i of r.ids) {
          if (on) next.add(i);
          else next.delete(i);
        }
        app.setSelection(next);
      }, (e: unknown) => (e instanceof BridgeError && e.code === 'NOT_FOUND' ? onExpired() : app.report(e)));
      return;
    }
    const next = new Set(app.selection);
    if (on) next.add(id);
    else next.delete(id);
    app.setSelection(next);
  };

  // Tiles and rows are memoized: they get callbacks that never change and reach the current
  // selection through this ref, so that a render of the browser redraws only what changed.
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;
  const onToggle = useCallback((index: number, shift: boolean) => toggleRef.current(index, shift), []);
  const { go } = app;
  const onOpen = useCallback((id: number) => go({ screen: 'item', id }), [go]);

  /** Moves the cursor to view position `pos` (clamped) and scrolls its row into sight. */
  const moveTo = (pos: number) => {
    const p = Math.max(0, Math.min(total - 1, pos));
    setCursor(p);
    virt.scrollToIndex(layout.rowOf(p), { align: 'auto' });
  };
  /** The position in the items row `dr` rows away from the cursor's (headings skipped), in the cursor's column where it exists. */
  const verticalMove = (dr: number) => {
    const r = layout.rowOf(cursor);
    const here = layout.at(r) as { start: number };
    const col = cursor - here.start;
    for (let nr = r + dr; nr >= 0 && nr < rows; nr += dr) {
      const there = layout.at(nr);
      if ('header' in there) continue;
      return there.start + Math.min(col, there.n - 1);
    }
    return cursor;
  };
  const onKey = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input, select, textarea, video, audio') && e.key !== 'Escape') return;
    const mod = e.ctrlKey || e.metaKey;
    let handled = true;
    if (mod && e.key.toLowerCase() === 'a' && onSelectAll) onSelectAll();
    else if (mod) handled = false;
    else if (e.key === 'ArrowRight') moveTo(cursor + 1);
    else if (e.key === 'ArrowLeft') moveTo(cursor - 1);
    else if (e.key === 'ArrowDown') moveTo(view === 'grid' ? verticalMove(1) : cursor + 1);
    else if (e.key === 'ArrowUp') moveTo(view === 'grid' ? verticalMove(-1) : cursor - 1);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(total - 1);
    else if (e.key === ' ') setLooking((v) => !v && !!get(cursor));
    else if (e.key === 'Escape' && looking) setLooking(false);
    else if (e.key === 'Enter' && get(cursor)) app.go({ screen: 'item', id: get(cursor)!.id });
    else handled = false;
    if (handled) e.preventDefault();
  };

  const groupLabel = (g: ItemGroup) => {
    if (g.key === null) return t(`library.groupNone.${groupBy}`);
    if (groupBy === 'day') return formatDay(g.key, lng);
    if (groupBy === 'place') return placeName.get(g.key) ?? g.key;
    return g.key;
  };

  const cell = (it: ItemSummary | undefined, index: number) => {
    if (!it) {
      // Its page is on its way: a placeholder of the same size keeps the scroll position true.
      return view === 'grid'
        ? <div key={`p${index}`} className="tile placeholder" style={{ width: tileWidth, height: rowSize - 12 }} data-testid="item-placeholder" role="gridcell" aria-busy="true" />
        : <div key={`p${index}`} className="list-row placeholder" data-testid="item-placeholder" role="row" aria-busy="true"><span role="cell">{t('common.loading')}</span></div>;
    }
    const selected = app.selection.has(it.id);
    if (view === 'grid') {
      return <Tile key={it.id} it={it} index={index} size={tileWidth} selected={selected} cursor={index === cursor} onToggle={onToggle} onOpen={onOpen} onFocus={setCursor} />;
    }
    const placeNames = (it.places ?? []).map((p) => placeName.get(p) ?? p).join(', ');
    return <ListRow key={it.id} it={it} index={index} selected={selected} cursor={index === cursor} placeNames={placeNames} onToggle={onToggle} onOpen={onOpen} onFocus={setCursor} />;
  };

  const sortBy = (key: string | null) => {
    if (!key) return;
    const by = key as typeof app.sort.by;
    app.setSort({ by, dir: app.sort.by === by && app.sort.dir === 'asc' ? 'desc' : 'asc' });
  };
  const looked = looking ? get(cursor) : undefined;

  return (
    <>
      <div className={`browser ${view}`} ref={scroller} data-testid="item-browser" tabIndex={0} onKeyDown={onKey}
        role={view === 'grid' ? 'grid' : 'table'} aria-label={t('library.browserLabel')}>
        {view === 'list' && (
          <div className="list-header" style={{ gridTemplateColumns: LIST_TEMPLATE }} data-testid="list-header" role="row">
            <span role="columnheader" />
            {COLUMNS.map(([k, sortKey]) => (
              // aria-sort belongs to the column header, not to the button that sorts by it.
              <span key={k} data-col={k} role="columnheader" aria-sort={sortKey && app.sort.by === sortKey ? (app.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {sortKey
                  ? <button type="button" className="link" onClick={() => sortBy(sortKey)} tabIndex={-1}>
                      {t(`library.col.${k}`)}{app.sort.by === sortKey ? (app.sort.dir === 'asc' ? ' ↑' : ' ↓') : ''}
                    </button>
                  : t(`library.col.${k}`)}
              </span>
            ))}
          </div>
        )}
        <div style={{ height: Math.min(virt.getTotalSize(), MAX_HEIGHT), position: 'relative' }}>
          {shown.map((r) => {
            const at = layout.at(r.index);
            if ('header' in at) {
              const g = libraryView.groups![at.header]!;
              return (
                <div key={r.key} className="group-header" data-testid="group-header" role="row" data-group-key={g.key ?? ''} data-count={g.count}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${r.start + shift}px)`, height: r.size }}>
                  <span className="group-name" role="rowheader">{groupLabel(g)}</span>
                  <span className="group-count" role={view === 'grid' ? 'gridcell' : 'cell'}>{t('library.count', { count: g.count, n: formatNumber(g.count, lng) })}</span>
                </div>
              );
            }
            return (
              <div key={r.key} className={view === 'grid' ? 'grid-row' : 'list-line'} role={view === 'grid' ? 'row' : undefined}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${r.start + shift}px)`, height: r.size }}>
                {Array.from({ length: at.n }, (_, j) => cell(get(at.start + j), at.start + j))}
              </div>
            );
          })}
        </div>
      </div>
      {looked && <QuickLook it={looked} onStep={(d) => moveTo(cursor + d)} onClose={() => { setLooking(false); scroller.current?.focus(); }} />}
    </>
  );
}

/** One row of the list view (memoized: redrawn only when its item, selection, cursor or places change). */
const ListRow = memo(function ListRow({ it, index, selected, cursor, placeNames, onToggle, onOpen, onFocus }: {
  it: ItemSummary; index: number; selected: boolean; cursor: boolean; placeNames: string;
  onToggle(index: number, shift: boolean): void; onOpen(id: number): void; onFocus(index: number): void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const open = () => onOpen(it.id);
  return (
    <div className={`list-row${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`} style={{ gridTemplateColumns: LIST_TEMPLATE }}
      data-testid="item-row" data-item-id={it.id} onMouseDown={() => onFocus(index)} role="row">
      <span className="check" role="cell">
        <input type="checkbox" checked={selected} aria-label={t('library.select', { name: it.name })} tabIndex={-1}
          onChange={() => {}} onClick={(e) => onToggle(index, e.shiftKey)} data-testid={`select-${it.id}`} />
      </span>
      <span className="list-thumb" role="cell"><Thumb item={it} /></span>
      <span className="name-cell" role="cell">
        <button type="button" className="link name" onClick={open} title={it.name} tabIndex={-1}>{fitMiddle(it.name, 176 - 34 * badgesOf(it, t).length, '12.5px system-ui, "Segoe UI", "Noto Sans", sans-serif')}</button>
        <Badges it={it} inline />
      </span>
      <span className="date" role="cell" data-col="date">{formatCaptureShort(it.capturedAt, lng)}</span>
      <span className="num" role="cell" data-col="duration">{it.durationSec != null ? formatDuration(it.durationSec, lng) : ''}</span>
      <span className="num" role="cell" data-col="resolution">{formatResolution(it.width, it.height)}</span>
      <span className="num" role="cell" data-col="fps">{formatFps(it.fps, lng)}</span>
      <span role="cell" data-col="codec">{it.codec ?? ''}</span>
      <span className="camera" role="cell" data-col="camera" title={it.camera ?? ''}>{it.camera ?? ''}</span>
      <span role="cell" data-col="reel" title={it.reel ?? ''}>{it.reel ?? ''}</span>
      <span className="num" role="cell" data-col="size">{formatBytes(it.bytes, lng)}</span>
      <span role="cell" data-col="places" title={placeNames}>{placeNames}</span>
      <span role="cell" data-col="tags" title={(it.tags ?? []).join(', ')}>{(it.tags ?? []).join(', ')}</span>
    </div>
  );
});
