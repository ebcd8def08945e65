import { useTranslation } from 'react-i18next';
import { useApp } from '../state.tsx';

/** In the Library's filter bar: says that the Library shows the items of a box drawn on the map, and clears it. */
export function MapAreaChip() {
  const { t } = useTranslation();
  const app = useApp();
  const b = app.filter.bbox;
  if (!b) return null;
  const clear = () => {
    const rest = { ...app.filter };
    delete rest.bbox;
    app.setFilter(rest);
  };
  const f = (v: number) => v.toFixed(3);
  return (
    <span className="map-area-chip" data-testid="filter-map-area" title={t('map.areaTitle', { south: f(b.south), west: f(b.west), north: f(b.north), east: f(b.east) })}>
      {t('map.area')}
      <button type="button" onClick={clear} aria-label={t('map.clearArea')} data-testid="filter-map-area-clear">×</button>
    </span>
  );
}
