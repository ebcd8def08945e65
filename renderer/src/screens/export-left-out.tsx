// A public release of redacted copies (the CLI's `export --redacted-media`) leaves out the items
// no redacted copy can be made of (an XMP sidecar, audio, a PDF, a text note): sending their
// originals could publish GPS positions, serial numbers or names. The Export screen says which,
// and why, before the user exports (export.unredactable asks the core, by the rule the export
// applies), and how many the finished set left out (ExportResult.leftOutUnredacted).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportResultDto, UnredactableItemDto } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';
import type { ReleaseSource } from './export-risks.tsx';

/** Reads export.unredactable for `source` (memoized by the caller); null while loading or when `source` is null. */
export function useUnredactable(source: ReleaseSource | null, version: number): UnredactableItemDto[] | null {
  const { report } = useApp();
  const [items, setItems] = useState<UnredactableItemDto[] | null>(null);
  useEffect(() => {
    setItems(null);
    if (!source) return;
    let live = true;
    call('export.unredactable', source).then((r) => live && setItems(r), report);
    return () => {
      live = false;
    };
  }, [source, version, report]);
  return items;
}

/** The items left out, one row each: id, file name, type (and why, when making the copy failed). */
function LeftOutTable({ items, testId }: { items: (UnredactableItemDto & { reason?: string })[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <table className="withheld" data-testid={testId}>
      <thead><tr><th>{t('export.withheld.item')}</th><th>{t('export.withheld.name')}</th><th>{t('export.unredactable.type')}</th></tr></thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.id} data-testid="left-out-item" data-item={i.id}>
            <td>{i.id}</td>
            <td className="path">{i.fileName}</td>
            <td>{i.mime ?? '?'}{i.reason === 'redaction-failed' ? ` (${t('export.unredactable.failed')})` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Before the export: how many chosen items a set of redacted copies will leave out, why, and which; `allLeftOut` when nothing would remain. */
export function UnredactableWarning({ items, allLeftOut }: { items: UnredactableItemDto[]; allLeftOut: boolean }) {
  const { t, i18n } = useTranslation();
  if (!items.length) return null;
  return (
    <div className="sub withheld-preview" role="alert" data-testid="unredactable-preview">
      <p className="warning" data-testid="unredactable-count">{t('export.unredactable.title', { count: items.length, n: formatNumber(items.length, i18n.language) })}</p>
      <p className="hint" data-testid="unredactable-why">{t('export.unredactable.why')}</p>
      <LeftOutTable items={items} testId="unredactable-list" />
      {allLeftOut && <p className="error" data-testid="all-unredactable">{t('export.unredactable.allLeftOut')}</p>}
    </div>
  );
}

/** After the export: the items the set left out because they could not be redacted (nothing when none). */
export function LeftOutResult({ items }: { items: ExportResultDto['leftOutUnredacted'] }) {
  const { t, i18n } = useTranslation();
  if (!items?.length) return null;
  return (
    <>
      <h3 data-testid="export-left-out-count">{t('export.unredactable.done', { count: items.length, n: formatNumber(items.length, i18n.language) })}</h3>
      <LeftOutTable items={items} testId="export-left-out" />
    </>
  );
}
