import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { FilterBar } from '../components/FilterBar.tsx';
import { ItemBrowser } from '../components/ItemBrowser.tsx';
import { TagSelection } from '../components/TagEditor.tsx';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

/** All items, filtered, searched, sorted; grid or list; multi-select for export and tagging. */
export function LibraryScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [items, setItems] = useState<ItemSummary[] | null>(null);
  const [view, setView] = useState<'grid' | 'list'>('grid');
  useEffect(() => {
    let live = true;
    call('items.list', { filter: app.filter, sort: app.sort }).then((r) => live && setItems(r.items), app.report);
    return () => {
      live = false;
    };
  }, [app.filter, app.sort, app.dataVersion, app.report]);

  const lng = i18n.language;
  const sel = app.selection.size;
  return (
    <div className="library">
      <FilterBar />
      <div className="toolbar">
        <span data-testid="item-count">{items ? t('library.count', { count: items.length, n: formatNumber(items.length, lng) }) : t('common.loading')}</span>
        <span className="spacer" />
        <span data-testid="selection-count">{t('library.selected', { count: sel, n: formatNumber(sel, lng) })}</span>
        <button type="button" disabled={!items?.length} onClick={() => app.setSelection(new Set(items!.map((i) => i.id)))} data-testid="select-all">{t('library.selectAll')}</button>
        <button type="button" disabled={!sel} onClick={() => app.setSelection(new Set())}>{t('library.selectNone')}</button>
        <button type="button" disabled={!sel} onClick={() => app.go({ screen: 'export' })} data-testid="export-selection">{t('library.exportSelection')}</button>
        <div className="segmented" role="group" aria-label={t('library.view')}>
          <button type="button" className={view === 'grid' ? 'active' : ''} onClick={() => setView('grid')} data-testid="view-grid">{t('library.grid')}</button>
          <button type="button" className={view === 'list' ? 'active' : ''} onClick={() => setView('list')} data-testid="view-list">{t('library.list')}</button>
        </div>
      </div>
      {sel > 0 && app.catalog.tagging && <TagSelection itemIds={[...app.selection]} />}
      {items && items.length === 0 && <p className="empty" data-testid="empty">{t('library.empty')}</p>}
      {items && items.length > 0 && <ItemBrowser items={items} view={view} />}
    </div>
  );
}
