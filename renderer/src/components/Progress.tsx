import { useTranslation } from 'react-i18next';
import type { JobProgressView } from '../../../electron/common/ipc.ts';
import { formatBytes, formatDuration, formatNumber } from '../format.ts';

/** A job's live progress: files and bytes done of total, rate, time left, current file. */
export function ProgressPanel({ progress, onCancel }: { progress: JobProgressView | null; onCancel?: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const p = progress;
  const frac = p && p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p && p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
  return (
    <section className="progress-panel" aria-live="polite" data-testid="progress">
      <progress max={1} value={frac} />
      {p && (
        <dl className="facts">
          <dt>{t('progress.files')}</dt>
          <dd data-testid="progress-files">{t('progress.ofTotal', { done: formatNumber(p.filesDone, lng), total: formatNumber(p.filesTotal, lng) })}</dd>
          <dt>{t('progress.bytes')}</dt>
          <dd>{t('progress.ofTotal', { done: formatBytes(p.bytesDone, lng), total: formatBytes(p.bytesTotal, lng) })}</dd>
          <dt>{t('progress.rate')}</dt>
          <dd>{p.rateBytesPerSec ? t('progress.perSecond', { value: formatBytes(p.rateBytesPerSec, lng) }) : t('common.dash')}</dd>
          <dt>{t('progress.timeLeft')}</dt>
          <dd>{p.etaSec !== null ? formatDuration(p.etaSec, lng) : t('common.dash')}</dd>
          <dt>{t('progress.current')}</dt>
          <dd className="path">{p.currentFile ?? t('common.dash')}</dd>
        </dl>
      )}
      {onCancel && <button type="button" onClick={onCancel} data-testid="cancel">{t('common.cancel')}</button>}
    </section>
  );
}
