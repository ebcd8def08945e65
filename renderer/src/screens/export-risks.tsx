// Before a public release, what the files themselves still carry (issue 16 §4): the export sends
// each original as it was received, so its GPS position, the camera's serial number and the faces
// in the picture go out with it. Counted for the chosen items by the service (export.releaseRisks),
// with the choice to send redacted copies where they exist (issue 13).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemFilter, ReleaseRisksDto } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

/** The chosen items: ids of the selection, or the Library's filter. */
export type ReleaseSource = { itemIds: number[] } | { filter: ItemFilter };

/** Reads export.releaseRisks for `source` (memoized by the caller; null while loading or when `source` is null). */
export function useReleaseRisks(source: ReleaseSource | null, version: number): ReleaseRisksDto | null {
  const { report } = useApp();
  const [risks, setRisks] = useState<ReleaseRisksDto | null>(null);
  useEffect(() => {
    setRisks(null);
    if (!source) return;
    let live = true;
    call('export.releaseRisks', source).then((r) => live && setRisks(r), report);
    return () => {
      live = false;
    };
  }, [source, version, report]);
  return risks;
}

/**
 * The warning panel: one line per thing that stays in the files, with the count of items it
 * concerns, and the "send redacted copies" box (enabled only when some exist). `cannotRedact`:
 * how many chosen items no copy can be made of (export.unredactable): a set of copies leaves
 * them out rather than send them as received, so they are not counted among those that would be.
 */
export function ReleaseRisksPanel({ risks, useRedacted, onUseRedacted, cannotRedact }: { risks: ReleaseRisksDto; useRedacted: boolean; onUseRedacted(v: boolean): void; cannotRedact: number }) {
  const { t, i18n } = useTranslation();
  const n = (x: number) => formatNumber(x, i18n.language);
  const lines: { key: string; count: number; testId: string }[] = [
    { key: 'export.risks.gps', count: risks.withGps, testId: 'risk-gps' },
    { key: 'export.risks.serial', count: risks.withSerial, testId: 'risk-serial' },
    { key: 'export.risks.faces', count: risks.mayShowFaces, testId: 'risk-faces' },
    { key: 'export.risks.people', count: risks.linkedToPeople, testId: 'risk-people' },
  ];
  const shown = lines.filter((l) => l.count > 0);
  const { itemsWithRedacted } = risks.redacted;
  const itemsWithout = Math.max(0, risks.redacted.itemsWithout - cannotRedact);
  return (
    <section className="sub release-risks" aria-labelledby="release-risks-title" data-testid="release-risks">
      <h3 id="release-risks-title">{t('export.risks.title')}</h3>
      <p className="hint">{t('export.risks.intro')}</p>
      {shown.length ? (
        <ul className="risk-list">
          {shown.map((l) => (
            <li key={l.key} className="warning" data-testid={l.testId} data-count={l.count}>{t(l.key, { count: l.count, n: n(l.count), total: n(risks.items) })}</li>
          ))}
        </ul>
      ) : <p data-testid="risk-none">{t('export.risks.none')}</p>}
      {itemsWithRedacted > 0 ? (
        <>
          <label className="chip">
            <input type="checkbox" checked={useRedacted} onChange={(e) => onUseRedacted(e.target.checked)} data-testid="use-redacted" />
            {t('export.risks.useRedacted', { count: itemsWithRedacted, n: n(itemsWithRedacted) })}
          </label>
          {itemsWithout > 0 && <p className="hint" data-testid="redacted-missing">{t('export.risks.redactedMissing', { count: itemsWithout, n: n(itemsWithout) })}</p>}
        </>
      ) : <p className="hint" data-testid="redacted-none">{t('export.risks.noRedacted')}</p>}
    </section>
  );
}
