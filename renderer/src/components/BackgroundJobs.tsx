import { useTranslation } from 'react-i18next';
import { useApp } from '../state.tsx';

/** A quiet note in the top bar while thumbnails are made after an import. */
export function BackgroundJobs() {
  const { t } = useTranslation();
  const { jobs } = useApp();
  const running = Object.values(jobs).filter((j) => j.info.kind === 'derivatives' && j.info.state === 'running');
  if (!running.length) return null;
  const p = running[0]!.progress;
  return <span className="background-job" data-testid="thumbs-running">{t('jobs.thumbnails', { done: p?.filesDone ?? 0, total: p?.filesTotal ?? 0 })}</span>;
}
