import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SORT_KEYS, type CatalogRow, type ChannelOutput, type ItemFilter, type ItemSort } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { MapAreaChip } from '../map/MapAreaChip.tsx';
import { useApp } from '../state.tsx';
import { DateField } from './DateField.tsx';

const KINDS = ['image', 'video', 'audio', 'document', 'other'] as const;

/** Catalog rows of one entity for a filter drop-down ([] without the catalog, or while `enabled` is false). */
export function useCatalogRows(entity: 'place' | 'person' | 'incident' | 'case', enabled = true): CatalogRow[] {
  const { catalog, dataVersion, report } = useApp();
  const [rows, setRows] = useState<CatalogRow[]>([]);
  useEffect(() => {
    if (!enabled || !catalog.entities.includes(entity)) return;
    call('catalog.list', { entity }).then(setRows, report);
  }, [catalog, entity, dataVersion, report, enabled]);
  return rows;
}

/** Search, filters and sort of the Library; `places` when the screen has read them already (else read here). */
export function FilterBar({ places: given }: { places?: CatalogRow[] } = {}) {
  const { t } = useTranslation();
  const app = useApp();
  const f = app.filter;
  const [facets, setFacets] = useState<ChannelOutput<'items.facets'>>({ cameras: [], kinds: {}, tags: [] });
  const [text, setText] = useState(f.text ?? '');
  const own = useCatalogRows('place', !given);
  const places = (given ?? own).filter((p) => p.itemCount > 0 || p.id === f.placeId);
  const people = useCatalogRows('person');
  const incidents = useCatalogRows('incident');
  const cases = useCatalogRows('case');
  useEffect(() => {
    call('items.facets', {}).then(setFacets, app.report);
  }, [app.dataVersion, app.report]);
  // Typing is debounced so each key does not re-query 20,000 items (Enter applies it at once);
  // what was typed is applied on leaving the screen too, so opening an item at once does not lose the search.
  const latest = useRef({ f, text, setFilter: app.setFilter });
  latest.current = { f, text, setFilter: app.setFilter };
  useEffect(() => {
    const apply = () => {
      const { f: cur, text: typed, setFilter } = latest.current;
      if ((cur.text ?? '') !== typed) setFilter({ ...cur, text: typed || undefined });
    };
    const h = setTimeout(apply, 250);
    return () => {
      clearTimeout(h);
      apply();
    };
  }, [text]);

  const set = (patch: Partial<ItemFilter>) => {
    const next: ItemFilter = { ...f, ...patch };
    for (const k of Object.keys(next) as (keyof ItemFilter)[]) if (next[k] === undefined || next[k] === '') delete next[k];
    app.setFilter(next);
  };
  const toggleKind = (k: (typeof KINDS)[number]) => {
    const cur = new Set(f.kinds ?? []);
    if (cur.has(k)) cur.delete(k);
    else cur.add(k);
    set({ kinds: cur.size ? [...cur] : undefined });
  };
  const idOf = (v: string) => (v === '' ? undefined : /^\d+$/u.test(v) ? Number(v) : v);

  return (
    <form className="filter-bar" onSubmit={(e) => e.preventDefault()} aria-label={t('library.filters')}>
      <input type="search" placeholder={t('library.search')} aria-label={t('library.search')} value={text} onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // Enter searches at once, without waiting for the typing pause.
          if (e.key === 'Enter' && (f.text ?? '') !== text) app.setFilter({ ...f, text: text || undefined });
        }} data-testid="search" />
      <fieldset className="kinds">
        <legend className="sr-only">{t('library.kind')}</legend>
        {KINDS.filter((k) => facets.kinds[k]).map((k) => (
          <label key={k} className="chip">
            <input type="checkbox" checked={f.kinds?.includes(k) ?? false} onChange={() => toggleKind(k)} data-testid={`kind-${k}`} />
            {t(`kinds.${k}`)}
          </label>
        ))}
      </fieldset>
      <DateField label={t('library.from')} value={f.from ?? ''} onChange={(v) => v !== null && set({ from: v || undefined })} testId="from" />
      <DateField label={t('library.to')} value={f.to ?? ''} onChange={(v) => v !== null && set({ to: v || undefined })} testId="to" />
      <label>{t('library.camera')}
        <select value={f.camera ?? ''} onChange={(e) => set({ camera: e.target.value || undefined })} data-testid="camera">
          <option value="">{t('library.any')}</option>
          {facets.cameras.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </label>
      <label>{t('library.gps')}
        <select value={f.gps ?? 'any'} onChange={(e) => set({ gps: e.target.value === 'any' ? undefined : (e.target.value as 'with' | 'without') })} data-testid="gps">
          <option value="any">{t('library.any')}</option>
          <option value="with">{t('library.gpsWith')}</option>
          <option value="without">{t('library.gpsWithout')}</option>
        </select>
      </label>
      {app.catalog.entities.includes('place') && (
        <label>{t('library.place')}
          <select value={f.placeId ?? ''} onChange={(e) => set({ placeId: idOf(e.target.value) })} data-testid="filter-place">
            <option value="">{t('library.any')}</option>
            {places.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
      )}
      <MapAreaChip />
      {app.catalog.entities.includes('person') && (
        <label>{t('library.person')}
          <select value={f.personId ?? ''} onChange={(e) => set({ personId: idOf(e.target.value) as number | undefined })} data-testid="filter-person">
            <option value="">{t('library.any')}</option>
            {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
      )}
      {app.catalog.entities.includes('incident') && (
        <label>{t('library.incident')}
          <select value={f.incidentId ?? ''} onChange={(e) => set({ incidentId: idOf(e.target.value) as number | undefined })} data-testid="filter-incident">
            <option value="">{t('library.any')}</option>
            {incidents.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
      )}
      {app.catalog.entities.includes('case') && (
        <label>{t('library.case')}
          <select value={f.caseId ?? ''} onChange={(e) => set({ caseId: idOf(e.target.value) as number | undefined })} data-testid="filter-case">
            <option value="">{t('library.any')}</option>
            {cases.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
      )}
      {app.catalog.tagging && (
        <>
          <label>{t('library.tag')}
            <select value={f.tag ?? ''} onChange={(e) => set({ tag: e.target.value || undefined })} data-testid="filter-tag">
              <option value="">{t('library.any')}</option>
              {facets.tags.map((g) => <option key={g} value={g}>{g}</option>)}
            </select>
          </label>
          <label className="chip"><input type="checkbox" checked={f.untagged ?? false} onChange={(e) => set({ untagged: e.target.checked || undefined })} data-testid="untagged" />{t('library.untagged')}</label>
        </>
      )}
      <SortControl sort={app.sort} onChange={app.setSort} />
      <button type="button" onClick={() => { setText(''); app.setFilter({}); }} disabled={Object.keys(f).length === 0} data-testid="clear-filters">{t('library.clearFilters')}</button>
    </form>
  );
}

function SortControl({ sort, onChange }: { sort: ItemSort; onChange(s: ItemSort): void }) {
  const { t } = useTranslation();
  return (
    <label>{t('library.sort')}
      <select value={sort.by} onChange={(e) => onChange({ ...sort, by: e.target.value as ItemSort['by'] })} data-testid="sort">
        {SORT_KEYS.map((k) => <option key={k} value={k}>{t(`library.sortBy.${k}`)}</option>)}
      </select>
      <button type="button" onClick={() => onChange({ ...sort, dir: sort.dir === 'asc' ? 'desc' : 'asc' })} title={t('library.direction')} data-testid="sort-dir">
        {sort.dir === 'asc' ? t('library.ascending') : t('library.descending')}
      </button>
    </label>
  );
}
