import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogEntity, CatalogId, CatalogRow, ItemFilter } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { ItemBrowser, type LibraryView } from '../components/ItemBrowser.tsx';
import { useCatalogRows } from '../components/FilterBar.tsx';
import { DateField } from '../components/DateField.tsx';
import { formatCalendarDate, formatCaptured, formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';
import { FORMS, toInput, valuesOf, type FieldSpec, type FormValues } from './catalog-forms.ts';

const FILTER_KEY: Record<CatalogEntity, keyof ItemFilter> = { place: 'placeId', person: 'personId', incident: 'incidentId', case: 'caseId' };

function CatalogForm({ entity, row, onSaved, onCancel }: { entity: CatalogEntity; row: CatalogRow | null; onSaved(r: CatalogRow): void; onCancel(): void }) {
  const { t } = useTranslation();
  const app = useApp();
  const [values, setValues] = useState<FormValues>(() => (row ? valuesOf(entity, row.fields) : valuesOf(entity, {})));
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Date fields whose parts make no date yet (30.02, a day without a month): saving waits for them.
  const [badDates, setBadDates] = useState<ReadonlySet<string>>(new Set());
  const save = async () => {
    if (badDates.size) {
      setErrors(Object.fromEntries([...badDates].map((k) => [k, t('date.invalid')])));
      return;
    }
    const r = toInput(entity, values, !!row);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    try {
      const saved = row ? await call('catalog.update', { id: row.id, data: r.data }) : await call('catalog.create', { data: r.data });
      app.bumpData();
      onSaved(saved);
    } catch (e) {
      app.report(e);
    }
  };
  return (
    <form className="card catalog-form" data-testid="catalog-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      {FORMS[entity].map((f) => f.type === 'date' ? (
        <div key={f.key} className="field">
          <DateField label={`${t(`catalog.fields.${f.key}`)}${f.required ? ' *' : ''}`} value={values[f.key] as string} partial={f.partial} withTime={f.withTime}
            onChange={(v) => {
              setValues((cur) => ({ ...cur, [f.key]: v ?? (cur[f.key] as string) }));
              setBadDates((cur) => {
                const next = new Set(cur);
                if (v === null) next.add(f.key);
                else next.delete(f.key);
                return next;
              });
            }} testId={`field-${f.key}`} />
          {errors[f.key] && <span className="field-error" role="alert">{errors[f.key]}</span>}
        </div>
      ) : (
        <label key={f.key} className="field">
          <span>{t(`catalog.fields.${f.key}`)}{f.required ? ' *' : ''}</span>
          {f.type === 'textarea' && <textarea value={values[f.key] as string} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })} data-testid={`field-${f.key}`} />}
          {(f.type === 'text' || f.type === 'number') && (
            <input type="text" inputMode={f.type === 'number' ? 'decimal' : undefined} value={values[f.key] as string}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })} data-testid={`field-${f.key}`} />
          )}
          {f.type === 'select' && (
            <select value={values[f.key] as string} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })} data-testid={`field-${f.key}`}>
              <option value="">{t('common.dash')}</option>
              {f.options!.map((o) => <option key={o} value={o}>{t(`catalog.values.${o}`)}</option>)}
            </select>
          )}
          {f.type === 'multi' && (
            <span className="chips">
              {f.options!.map((o) => {
                const cur = values[f.key] as string[];
                return (
                  <label key={o} className="chip">
                    <input type="checkbox" checked={cur.includes(o)} onChange={(e) => setValues({ ...values, [f.key]: e.target.checked ? [...cur, o] : cur.filter((x) => x !== o) })} />
                    {t(`catalog.values.${o}`)}
                  </label>
                );
              })}
            </span>
          )}
          {errors[f.key] && <span className="field-error" role="alert">{errors[f.key]}</span>}
        </label>
      ))}
      <div className="row">
        <button type="submit" className="primary" data-testid="catalog-save">{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function CatalogPage({ entity, id }: { entity: CatalogEntity; id: CatalogId }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [row, setRow] = useState<CatalogRow | null>(null);
  const [items, setItems] = useState<LibraryView | null>(null);
  const [expired, setExpired] = useState(0);
  const onExpired = useCallback(() => setExpired((n) => n + 1), []);
  const [editing, setEditing] = useState(false);
  const filter: ItemFilter = { [FILTER_KEY[entity]]: id };
  useEffect(() => {
    call('catalog.get', { entity, id }).then(setRow, app.report);
    call('items.view', { filter, sort: { by: 'capturedAt', dir: 'asc' } }).then(setItems, app.report);
    // The filter object is rebuilt each render from entity and id, which are the real inputs.
  }, [entity, id, app.dataVersion, expired]);
  if (!row) return <p>{t('common.loading')}</p>;
  const lng = i18n.language;
  // A stored field as the reader's language writes it: option words, dates in its order.
  const shownValue = (f: FieldSpec | undefined, v: unknown): string => {
    if (Array.isArray(v)) return v.map((x) => t(`catalog.values.${String(x)}`)).join(', ');
    if (f?.type === 'select') return t(`catalog.values.${String(v)}`);
    if (f?.type === 'date') return String(v).includes('T') ? formatCaptured(String(v), lng) : formatCalendarDate(String(v), lng);
    // Coordinates keep the decimal point (ISO 6709): "39,9, 70,5" would be ambiguous.
    return String(v);
  };
  const shown = FORMS[entity].map((f) => [f.key, row.fields[f.key]] as const).filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length));
  return (
    <div className="catalog-page" data-testid="catalog-page">
      <div className="item-head">
        <button type="button" onClick={() => app.go({ screen: 'catalog', entity })}>{t('catalog.backToList')}</button>
        <h1 data-testid="catalog-name">{row.detail ?? row.name}</h1>
        <button type="button" onClick={() => setEditing(true)}>{t('common.edit')}</button>
      </div>
      {editing ? <CatalogForm entity={entity} row={row} onSaved={(r) => { setRow(r); setEditing(false); }} onCancel={() => setEditing(false)} /> : (
        <dl className="facts">
          {shown.map(([k, v]) => [<dt key={`${k}t`}>{t(`catalog.fields.${k}`)}</dt>,
            <dd key={`${k}d`}>{shownValue(FORMS[entity].find((f) => f.key === k), v)}</dd>])}
        </dl>
      )}
      <div className="toolbar">
        <h2 data-testid="catalog-items">{t('catalog.items', { count: items?.total ?? 0, n: formatNumber(items?.total ?? 0, i18n.language) })}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => { app.setFilter(filter); app.go({ screen: 'library' }); }} data-testid="show-in-library">{t('catalog.showInLibrary')}</button>
      </div>
      {items && items.total > 0 && <ItemBrowser key={items.view} items={items} view="grid" onExpired={onExpired} />}
    </div>
  );
}

/** Places, People, Incidents or Cases: a searchable list with a form for new entries, and each entry's page. */
export function CatalogScreen({ entity, id }: { entity: CatalogEntity; id?: CatalogId }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const rows = useCatalogRows(entity);
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  if (id !== undefined) return <CatalogPage key={`${entity}-${id}`} entity={entity} id={id} />;
  const q = search.trim().toLowerCase();
  const shown = q ? rows.filter((r) => `${r.name} ${r.detail ?? ''}`.toLowerCase().includes(q)) : rows;
  return (
    <div className="catalog">
      <div className="toolbar">
        <h1>{t(`catalog.title.${entity}`)}</h1>
        <span className="spacer" />
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('catalog.search')} aria-label={t('catalog.search')} data-testid="catalog-search" />
        <button type="button" onClick={() => setAdding(true)} data-testid="catalog-new">{t(`catalog.new.${entity}`)}</button>
      </div>
      {adding && <CatalogForm entity={entity} row={null} onSaved={(r) => { setAdding(false); app.go({ screen: 'catalog', entity, id: r.id }); }} onCancel={() => setAdding(false)} />}
      {shown.length === 0 ? <p className="empty">{t('catalog.empty')}</p> : (
        <table className="catalog-list" data-testid="catalog-list">
          <thead><tr><th>{t('catalog.name')}</th><th>{t('catalog.itemCount')}</th></tr></thead>
          <tbody>
            {shown.slice(0, 2000).map((r) => (
              <tr key={String(r.id)}>
                <td><button type="button" className="link" onClick={() => app.go({ screen: 'catalog', entity, id: r.id })}>{r.detail ?? r.name}</button></td>
                <td>{formatNumber(r.itemCount, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
