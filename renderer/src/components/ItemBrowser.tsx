// The virtualized grid and list of items (TanStack Virtual): only the rows on screen exist in
// the DOM, so 20,000 items scroll as smoothly as 20. Clicking a name opens the item; the
// checkboxes (and Shift-click for a range) make the selection that Export and tagging use.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { formatBytes, formatCaptured } from '../format.ts';
import { useApp } from '../state.tsx';
import { Thumb } from './Thumb.tsx';

const TILE = 180;
const ROW = 40;

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

export function ItemBrowser({ items, view }: { items: ItemSummary[]; view: 'grid' | 'list' }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const cols = view === 'grid' ? Math.max(1, Math.floor(width / TILE)) : 1;
  const rows = Math.ceil(items.length / cols);
  const virt = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => (view === 'grid' ? TILE + 40 : ROW), overscan: 6 });
  const lastClicked = useRef<number | null>(null);

  const toggle = (index: number, shift: boolean) => {
    const next = new Set(app.selection);
    const id = items[index]!.id;
    const on = !next.has(id);
    if (shift && lastClicked.current !== null) {
      const [a, b] = [Math.min(lastClicked.current, index), Math.max(lastClicked.current, index)];
      for (let i = a; i <= b; i++) {
        if (on) next.add(items[i]!.id);
        else next.delete(items[i]!.id);
      }
    } else if (on) next.add(id);
    else next.delete(id);
    lastClicked.current = index;
    app.setSelection(next);
  };

  const cell = (it: ItemSummary, index: number) => {
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
          <div className="tile-caption">{check}<button type="button" className="link name" onClick={open} title={it.name}>{it.name}</button></div>
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
        <span className="gps">{it.hasGps ? t('library.gpsYes') : ''}</span>
        <span className="size">{formatBytes(it.bytes, lng)}</span>
      </div>
    );
  };

  return (
    <div className="browser" ref={scroller} data-testid="item-browser">
      <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
        {virt.getVirtualItems().map((r) => (
          <div key={r.key} className={view === 'grid' ? 'grid-row' : 'list-line'}
            style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${r.start}px)`, height: r.size }}>
            {items.slice(r.index * cols, r.index * cols + cols).map((it, j) => cell(it, r.index * cols + j))}
          </div>
        ))}
      </div>
    </div>
  );
}
