// The virtualized grid and list of items (TanStack Virtual): only the rows on screen exist in
// the DOM, and only the pages of the Library view around them are fetched (items.page), so a
// million items open and scroll as smoothly as 20. Clicking a name opens the item; the
// checkboxes (and Shift-click for a range, whose ids come from items.ids) make the selection
// that Export and tagging use.
import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { BridgeError, call } from '../bridge.ts';
import { formatBytes, formatCaptured } from '../format.ts';
import { useApp } from '../state.tsx';
import { Thumb } from './Thumb.tsx';
import { CredentialBadge } from './Credentials.tsx';

/** Items fetched per items.page call. */
const PAGE = 200;

/** A Library view (items.view): its id and how many items it holds. */
export interface LibraryView {
  view: string;
  total: number;
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
  useEffect(() => {
    pages.current = new Map();
    asked.current = new Set();
    setVersion((v) => v + 1);
  }, [view.view]);
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

const TILE = 180;
const ROW = 40;
/**
 * The tallest scrolling area drawn. Browsers stop at about 33.5 million pixels (Chromium) or
 * 17.9 million (Firefox): a million list rows of 40 px would end out of reach. Past this
 * height the scroll bar moves through the rows proportionally (see scale below).
 */
const MAX_HEIGHT = 10_000_000;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setW(e!.contentRect.width));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

export function ItemBrowser({ items: libraryView, view, onExpired }: { items: LibraryView; view: 'grid' | 'list'; onExpired: () => void }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const cols = view === 'grid' ? Math.max(1, Math.floor(width / TILE)) : 1;
  const total = libraryView.total;
  const rows = Math.ceil(total / cols);
  const rowSize = view === 'grid' ? TILE + 40 : ROW;
  // scale = how many pixels of rows one pixel of scroll bar moves over (1 up to MAX_HEIGHT): the
  // virtualizer works in row pixels, the scroll element in drawn pixels.
  const scale = useRef(1);
  const viewport = scroller.current?.clientHeight ?? 0;
  const fullHeight = rows * rowSize;
  scale.current = fullHeight > MAX_HEIGHT ? (fullHeight - viewport) / (MAX_HEIGHT - viewport) : 1;
  const virt = useVirtualizer({
    count: rows, getScrollElement: () => scroller.current, estimateSize: () => rowSize, overscan: 6,
    observeElementOffset: (instance, cb) => observeElementOffset(instance, (offset, scrolling) => cb(offset * scale.current, scrolling)),
    scrollToFn: (offset, options, instance) => elementScroll(offset / scale.current, options, instance),
  });
  // Rows are placed relative to what is drawn: a row's distance from the top of the view in row
  // pixels is its distance in drawn pixels too.
  const drawnOffset = (virt.scrollOffset ?? 0) / scale.current;
  const shift = drawnOffset - (virt.scrollOffset ?? 0);
  const lastClicked = useRef<number | null>(null);
  const { get, want } = usePages(libraryView, onExpired, app.report);
  const shown = virt.getVirtualItems();
  const first = shown[0]?.index ?? 0;
  const last = shown[shown.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total) want(first * cols, Math.min(total - 1, (last + 1) * cols - 1));
  }, [first, last, cols, total, want]);

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

  const cell = (it: ItemSummary | undefined, index: number) => {
    if (!it) {
      // Its page is on its way: a placeholder of the same size keeps the scroll position true.
      return view === 'grid'
        ? <div key={`p${index}`} className="tile placeholder" style={{ width: TILE - 12 }} data-testid="item-placeholder" aria-busy="true" />
        : <div key={`p${index}`} className="list-row placeholder" data-testid="item-placeholder" aria-busy="true">{t('common.loading')}</div>;
    }
    const selected = app.selection.has(it.id);
    const check = (
      <input type="checkbox" checked={selected} aria-label={t('library.select', { name: it.name })}
        onChange={() => {}} onClick={(e) => toggle(index, e.shiftKey)} data-testid={`select-${it.id}`} />
    );
    const open = () => app.go({ screen: 'item', id: it.id });
    if (view === 'grid') {
      return (
        <div key={it.id} className={selected ? 'tile selected' : 'tile'} style={{ width: TILE - 12 }} data-testid="item-tile" data-item-id={it.id}>
          <button type="button" className="tile-image" onClick={open} aria-label={t('library.open', { name: it.name })}><Thumb item={it} /></button>
          <div className="tile-caption">{check}<button type="button" className="link name" onClick={open} title={it.name}>{it.name}</button><CredentialBadge verdict={it.credentials} /></div>
        </div>
      );
    }
    return (
      <div key={it.id} className={selected ? 'list-row selected' : 'list-row'} data-testid="item-row" data-item-id={it.id}>
        {check}
        <button type="button" className="link name" onClick={open} title={it.name}>{it.name}</button>
        <span className="kind">{t(`kinds.${it.kind}`)}</span>
        <span className="date">{formatCaptured(it.capturedAt, lng)}</span>
        <span className="camera">{it.camera ?? ''}</span>
        <span className="gps">{it.hasGps ? t('library.gpsYes') : ''}<CredentialBadge verdict={it.credentials} /></span>
        <span className="size">{formatBytes(it.bytes, lng)}</span>
      </div>
    );
  };

  return (
    <div className="browser" ref={scroller} data-testid="item-browser">
      <div style={{ height: Math.min(virt.getTotalSize(), MAX_HEIGHT), position: 'relative' }}>
        {shown.map((r) => (
          <div key={r.key} className={view === 'grid' ? 'grid-row' : 'list-line'}
            style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${r.start + shift}px)`, height: r.size }}>
            {Array.from({ length: Math.min(cols, total - r.index * cols) }, (_, j) => cell(get(r.index * cols + j), r.index * cols + j))}
          </div>
        ))}
      </div>
    </div>
  );
}
