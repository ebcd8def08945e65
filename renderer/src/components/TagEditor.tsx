// Linking items to places, people, incidents and cases, and free tags: for one item on its page
// (with places suggested from its GPS position) and for the Library's selection.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PERSON_ROLES, type PersonRole } from '../../../electron/common/catalog.ts';
import type { CatalogEntity, CatalogId, ChannelOutput, ItemLinks } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { useApp } from '../state.tsx';
import { formatKm, formatNumber } from '../format.ts';
import { useCatalogRows } from './FilterBar.tsx';

function useLinker(itemIds: number[], onChanged: () => void) {
  const app = useApp();
  return async (entity: CatalogEntity, id: CatalogId, linked: boolean, role?: PersonRole) => {
    try {
      await call('catalog.link', { itemIds, entity, id, linked, ...(role ? { role } : {}) });
      app.bumpData();
      onChanged();
    } catch (e) {
      app.report(e);
    }
  };
}

function LinkAdder({ entity, onAdd }: { entity: CatalogEntity; onAdd(id: CatalogId, role?: PersonRole): void }) {
  const { t } = useTranslation();
  const rows = useCatalogRows(entity);
  const [id, setId] = useState('');
  const [role, setRole] = useState<PersonRole>('depicts');
  const chosen = rows.find((r) => String(r.id) === id);
  return (
    <span className="row link-adder">
      <select value={id} onChange={(e) => setId(e.target.value)} data-testid={`link-${entity}`} aria-label={t(`tags.choose.${entity}`)}>
        <option value="">{t(`tags.choose.${entity}`)}</option>
        {rows.map((r) => <option key={r.id} value={String(r.id)}>{r.detail ?? r.name}</option>)}
      </select>
      {entity === 'person' && (
        <select value={role} onChange={(e) => setRole(e.target.value as PersonRole)} data-testid="link-role" aria-label={t('tags.role')}>
          {PERSON_ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
        </select>
      )}
      <button type="button" disabled={!chosen} onClick={() => chosen && onAdd(chosen.id, entity === 'person' ? role : undefined)} data-testid={`link-${entity}-add`}>{t('tags.add')}</button>
    </span>
  );
}

function TagAdder({ onAdd }: { onAdd(tag: string): void }) {
  const { t } = useTranslation();
  const [tag, setTag] = useState('');
  return (
    <form className="row" onSubmit={(e) => { e.preventDefault(); if (tag.trim()) { onAdd(tag.trim()); setTag(''); } }}>
      <input type="text" value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t('tags.newTag')} aria-label={t('tags.newTag')} data-testid="tag-input" />
      <button type="submit" disabled={!tag.trim()} data-testid="tag-add">{t('tags.add')}</button>
    </form>
  );
}

/** The tag editor of one item: its links with remove buttons, adders, GPS place suggestions. */
export function ItemTagEditor({ itemId, links, onChanged }: { itemId: number; links: ItemLinks; onChanged(): void }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const link = useLinker([itemId], onChanged);
  const [suggestions, setSuggestions] = useState<ChannelOutput<'catalog.suggestPlaces'>>([]);
  useEffect(() => {
    if (!app.catalog.suggestions) return;
    call('catalog.suggestPlaces', { id: itemId }).then(setSuggestions, app.report);
  }, [itemId, app.catalog.suggestions, app.dataVersion, app.report]);
  const tag = async (value: string, tagged: boolean) => {
    try {
      await call('catalog.tag', { itemIds: [itemId], tag: value, tagged });
      app.bumpData();
      onChanged();
    } catch (e) {
      app.report(e);
    }
  };
  const linkedPlaces = new Set(links.places.map((p) => String(p.id)));
  const open = suggestions.filter((s) => !linkedPlaces.has(String(s.placeId)));
  const ents = app.catalog.entities;
  const section = (entity: CatalogEntity, list: { id: CatalogId; name: string; role?: string | null }[]) => ents.includes(entity) && (
    <div className="links" data-testid={`links-${entity}`}>
      <h4>{t(`tags.heading.${entity}`)}</h4>
      <ul>
        {list.map((l) => (
          <li key={`${l.id}-${l.role ?? ''}`}>
            <button type="button" className="link" onClick={() => app.go({ screen: 'catalog', entity, id: l.id })}>{l.name}</button>
            {l.role && <span className="role">{t(`roles.${l.role}`, { defaultValue: l.role })}</span>}
            <button type="button" className="remove" aria-label={t('tags.remove', { name: l.name })}
              onClick={() => void link(entity, l.id, false, (l.role ?? undefined) as PersonRole | undefined)}>{t('tags.removeShort')}</button>
          </li>
        ))}
      </ul>
      <LinkAdder entity={entity} onAdd={(id, role) => void link(entity, id, true, role)} />
    </div>
  );
  return (
    <section className="tag-editor" data-testid="tag-editor">
      {open.length > 0 && (
        <div className="suggestions" data-testid="place-suggestions">
          <h4>{t('tags.suggested')}</h4>
          <ul>
            {open.map((s) => (
              <li key={String(s.placeId)}>
                {t('tags.suggestion', { name: s.name, km: formatKm(s.distanceM, i18n.language) })}
                <button type="button" onClick={() => void link('place', s.placeId, true)} data-testid={`accept-${s.placeId}`}>{t('tags.accept')}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {section('place', links.places)}
      {section('person', links.people)}
      {section('incident', links.incidents)}
      {section('case', links.cases)}
      {app.catalog.tagging && (
        <div className="links" data-testid="links-tags">
          <h4>{t('tags.heading.tags')}</h4>
          <ul className="chips">
            {links.tags.map((g) => (
              <li key={g} className="chip">{g}<button type="button" className="remove" aria-label={t('tags.remove', { name: g })} onClick={() => void tag(g, false)}>{t('tags.removeShort')}</button></li>
            ))}
          </ul>
          <TagAdder onAdd={(g) => void tag(g, true)} />
        </div>
      )}
    </section>
  );
}

/** Adds links or a tag to every selected item of the Library. */
export function TagSelection({ itemIds }: { itemIds: number[] }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const link = useLinker(itemIds, () => {});
  const tag = async (value: string) => {
    try {
      await call('catalog.tag', { itemIds, tag: value, tagged: true });
      app.bumpData();
    } catch (e) {
      app.report(e);
    }
  };
  return (
    <section className="tag-selection" data-testid="tag-selection">
      <strong>{t('tags.forSelection', { count: itemIds.length, n: formatNumber(itemIds.length, i18n.language) })}</strong>
      {app.catalog.entities.map((entity) => <LinkAdder key={entity} entity={entity} onAdd={(id, role) => void link(entity, id, true, role)} />)}
      <TagAdder onAdd={(g) => void tag(g)} />
    </section>
  );
}
