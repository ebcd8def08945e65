import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GpsMismatch } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { placeName } from '../map/names.ts';
import { useApp } from '../state.tsx';

/**
 * The Item screen's flag: one line per place this item is tagged to whose coordinates lie
 * farther than the threshold (Settings gpsMismatchKm, set on the Map screen) from the item's GPS,
 * with the distance. Nothing when every tagged place is near, or has no coordinates. `version`
 * changes when the item's tags may have changed.
 */
export function GpsMismatchFlag({ itemId, version }: { itemId: number; version: unknown }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [rows, setRows] = useState<GpsMismatch[]>([]);
  useEffect(() => {
    let live = true;
    call('map.mismatches', { maxKm: app.settings.gpsMismatchKm, itemId }).then((r) => live && setRows(r.rows), app.report);
    return () => {
      live = false;
    };
  }, [itemId, version, app.settings.gpsMismatchKm, app.report, app.dataVersion]);
  if (!rows.length) return null;
  const lng = i18n.language;
  const km = (m: number) => t('map.km', { km: new Intl.NumberFormat(lng, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(m / 1000) });
  return (
    <div className="gps-mismatch-flag" role="alert" data-testid="gps-mismatch-flag">
      {rows.map((m) => (
        <p key={m.placeId}>{t('map.mismatch.itemFlag', { distance: km(m.distanceM), place: placeName({ nameEn: m.placeNameEn, nameRu: m.placeNameRu, nameKy: m.placeNameKy }, lng), threshold: app.settings.gpsMismatchKm })}</p>
      ))}
    </div>
  );
}
