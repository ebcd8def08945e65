import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GROUP_KEYS, type ItemGroupBy } from '../../../electron/common/ipc.ts';
import { call, pathForFile } from '../bridge.ts';
import { FilterBar, useCatalogRows } from '../components/FilterBar.tsx';
import { ItemBrowser, PAGE, type LibraryView } from '../components/ItemBrowser.tsx';
import { TagSelection } from '../components/TagEditor.tsx';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

/** Tile widths the zoom steps through, px. */
export const TILE_SIZES = [120, 150, 180, 220, 260, 320, 400] as const;
const DEFAULT_TILE = 180;

/** A value kept in this window's localStorage across sessions (a preference of the view, never archive data). */
function usePersisted<T>(key: string, initial: T, valid: (v: unknown) => v is T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      const parsed: unknown = raw === null ? null : JSON.parse(raw);
      return valid(parsed) ? parsed : initial;
    } catch {
      return initial;
    }
  });
  const set = useCallback((next: T) => {
    setV(next);
    try {
      localStorage.setItem(key, JSON.stringify(next));
    } catch {
      // a full or disabled storage only loses the preference
    }
  }, [key]);
  return [v, set];
}

const isTile = (v: unknown): v is number => typeof v === 'number' && (TILE_SIZES as readonly number[]).includes(v);
const isGroup = (v: unknown): v is ItemGroupBy => typeof v === 'string' && (GROUP_KEYS as readonly string[]).includes(v);
const isView = (v: unknown): v is 'grid' | 'list' => v === 'grid' || v === 'list';

/**
 * All items, filtered, searched, sorted, grouped by day, card/reel or place; grid (zoomable:
 * the slider, Ctrl/Cmd + and −) or list; multi-select for export and tagging. The filter, order
 * and grouping make a view in the archive service (items.view: the count, the groups and the
 * ordered ids); the browser fetches the pages on screen from it. Folders dropped from the file
 * manager onto the window are imported.
 */
export function LibraryScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [items, setItems] = useState<LibraryView | null>(null);
  const [view, setView] = usePersisted<'grid' | 'list'>('library.view', 'grid', isView);
  const [tileSize, setTileSize] = usePersisted<number>('library.tileSize', DEFAULT_TILE, isTile);
  const [group, setGroup] = usePersisted<ItemGroupBy>('library.group', 'none', isGroup);
  const [expired, setExpired] = useState(0);
  const [dropping, setDropping] = useState(false);
  const [dropped, setDropped] = useState<number | null>(null);
  const onExpired = useCallback(() => setExpired((n) => n + 1), []);
  // A layout effect: sent before the filter bar's requests (facets, catalog lists; passive
  // effects, children's first), so the archive service answers it first.
  useLayoutEffect(() => {
    let live = true;
    // The first page comes with the view: the first tiles need one round trip, not two.
    call('items.view', { filter: app.filter, sort: app.sort, group, first: PAGE }).then((r) => live && setItems(r), app.report);
    return () => {
      live = false;
    };
  }, [app.filter, app.sort, group, app.dataVersion, app.report, expired]);
  // Read once per visit for the filter bar and every browser made (one per filter, order or view).
  const places = useCatalogRows('place');
  const selectAll = useCallback(() => {
    if (items) call('items.ids', { view: items.view }).then((r) => app.setSelection(new Set(r.ids)), app.report);
  }, [items, app]);
  const zoom = useCallback((d: number) => {
    const i = TILE_SIZES.indexOf(tileSize as (typeof TILE_SIZES)[number]);
    setTileSize(TILE_SIZES[Math.max(0, Math.min(TILE_SIZES.length - 1, (i < 0 ? 2 : i) + d))]!);
  }, [tileSize, setTileSize]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (e.key === '+' || e.key === '=') zoom(1);
      else if (e.key === '-' || e.key === '_') zoom(-1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zoom]);

  const hasFiles = (e: React.DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const onDrop = (e: React.DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    setDropping(false);
    const paths = [...new Set(Array.from(e.dataTransfer.files).map(pathForFile).filter(Boolean))];
    if (!paths.length || !app.archive?.writable) return;
    call('jobs.start', { kind: 'ingest', inputs: paths }).then(() => setDropped(paths.length), app.report);
  };

  const lng = i18n.language;
  const sel = app.selection.size;
  const step = TILE_SIZES.indexOf(tileSize as (typeof TILE_SIZES)[number]);
  return (
    <div className={`library${dropping ? ' dropping' : ''}`} data-testid="library"
      onDragOver={(e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; setDropping(true); } }}
      onDragLeave={(e) => { if (e.currentTarget === e.target) setDropping(false); }}
      onDrop={onDrop}>
      <FilterBar places={places} />
      <div className="toolbar">
        <span data-testid="item-count">{items ? t('library.count', { count: items.total, n: formatNumber(items.total, lng) }) : t('common.loading')}</span>
        <span className="spacer" />
        <span data-testid="selection-count">{t('library.selected', { count: sel, n: formatNumber(sel, lng) })}</span>
        <button type="button" disabled={!items?.total} onClick={selectAll} data-testid="select-all">{t('library.selectAll')}</button>
        <button type="button" disabled={!sel} onClick={() => app.setSelection(new Set())}>{t('library.selectNone')}</button>
        <button type="button" disabled={!sel} onClick={() => app.go({ screen: 'export' })} data-testid="export-selection">{t('library.exportSelection')}</button>
        <label>{t('library.groupBy')}
          <select value={group} onChange={(e) => setGroup(e.target.value as ItemGroupBy)} data-testid="group-by">
            {GROUP_KEYS.map((g) => <option key={g} value={g}>{t(`library.group.${g}`)}</option>)}
          </select>
        </label>
        {view === 'grid' && (
          <label className="zoom">{t('library.zoom')}
            <input type="range" min={0} max={TILE_SIZES.length - 1} step={1} value={step < 0 ? 2 : step}
              onChange={(e) => setTileSize(TILE_SIZES[Number(e.target.value)]!)} data-testid="zoom" aria-valuetext={`${tileSize} px`} />
          </label>
        )}
        <div className="segmented" role="group" aria-label={t('library.view')}>
          <button type="button" className={view === 'grid' ? 'active' : ''} aria-pressed={view === 'grid'} onClick={() => setView('grid')} data-testid="view-grid">{t('library.grid')}</button>
          <button type="button" className={view === 'list' ? 'active' : ''} aria-pressed={view === 'list'} onClick={() => setView('list')} data-testid="view-list">{t('library.list')}</button>
        </div>
      </div>
      {dropped !== null && <p className="notice" role="status" data-testid="drop-started">{t('library.dropStarted', { count: dropped, n: formatNumber(dropped, lng) })}</p>}
      {dropping && <div className="drop-hint" data-testid="drop-hint">{t('library.dropHere')}</div>}
      {sel > 0 && app.catalog.tagging && <TagSelection itemIds={[...app.selection]} />}
      {items && items.total === 0 && <p className="empty" data-testid="empty">{t('library.empty')}</p>}
      {items && items.total > 0 && (
        <ItemBrowser key={`${items.view} ${view}`} items={items} view={view} tileSize={tileSize} groupBy={group} places={places} onExpired={onExpired} onSelectAll={selectAll} />
      )}
    </div>
  );
}
