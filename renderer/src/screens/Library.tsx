import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../bridge.ts';
import { FilterBar } from '../components/FilterBar.tsx';
import { ItemBrowser, type LibraryView } from '../components/ItemBrowser.tsx';
import { TagSelection } from '../components/TagEditor.tsx';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

/**
 * All items, filtered, searched, sorted; grid or list; multi-select for export and tagging. The
 * filter and order make a view in the archive service (items.view: the count and the ordered
 * ids); the browser fetches the pages on screen from it.
 */
export function LibraryScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [items, setItems] = useState<LibraryView | null>(null);
  const [view, setView] = useState<'grid' | 'list'>('grid');
  const [expired, setExpired] = useState(0);
  const onExpired = useCallback(() => setExpired((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    call('items.view', { filter: app.filter, sort: app.sort }).then((r) => live && setItems(r), app.report);
    return () => {
      live = false;
    };
  }, [app.filter, app.sort, app.dataVersion, app.report, expired]);
  const selectAll = () => {
    if (items) call('items.ids', { view: items.view }).then((r) => app.setSelection(new Set(r.ids)), app.report);
  };

  const lng = i18n.language;
  const sel = app.selection.size;
  return (
    <div className="library">
      <FilterBar />
      <div className="toolbar">
        <span data-testid="item-count">{items ? t('library.count', { count: items.total, n: formatNumber(items.total, lng) }) : t('common.loading')}</span>
        <span className="spacer" />
        <span data-testid="selection-count">{t('library.selected', { count: sel, n: formatNumber(sel, lng) })}</span>
        <button type="button" disabled={!items?.total} onClick={selectAll} data-testid="select-all">{t('library.selectAll')}</button>
        <button type="button" disabled={!sel} onClick={() => app.setSelection(new Set())}>{t('library.selectNone')}</button>
        <button type="button" disabled={!sel} onClick={() => app.go({ screen: 'export' })} data-testid="export-selection">{t('library.exportSelection')}</button>
        <div className="segmented" role="group" aria-label={t('library.view')}>
          <button type="button" className={view === 'grid' ? 'active' : ''} onClick={() => setView('grid')} data-testid="view-grid">{t('library.grid')}</button>
          <button type="button" className={view === 'list' ? 'active' : ''} onClick={() => setView('list')} data-testid="view-list">{t('library.list')}</button>
        </div>
      </div>
      {sel > 0 && app.catalog.tagging && <TagSelection itemIds={[...app.selection]} />}
      {items && items.total === 0 && <p className="empty" data-testid="empty">{t('library.empty')}</p>}
      {items && items.total > 0 && <ItemBrowser key={`${items.view} ${view}`} items={items} view={view} onExpired={onExpired} />}
    </div>
  );
}
