import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IngestFileResultDto } from '../../../electron/common/ipc.ts';
import { call, pathForFile } from '../bridge.ts';
import { ProgressPanel } from '../components/Progress.tsx';
import { formatBytes, formatNumber } from '../format.ts';
import { latestJob, useApp } from '../state.tsx';

const STATUSES = ['added', 'duplicate', 'skipped', 'failed'] as const;

function Report({ files, interrupted }: { files: IngestFileResultDto[]; interrupted: boolean }) {
  const { t, i18n } = useTranslation();
  const [show, setShow] = useState<IngestFileResultDto['status'] | 'all'>('all');
  const count = (s: string) => files.filter((f) => f.status === s).length;
  const shown = show === 'all' ? files : files.filter((f) => f.status === show);
  return (
    <section className="import-report" data-testid="import-report">
      <h2>{interrupted ? t('import.interrupted') : t('import.finished')}</h2>
      <div className="counts">
        {STATUSES.map((s) => (
          <button key={s} type="button" className={`count ${s}${show === s ? ' active' : ''}`} onClick={() => setShow(show === s ? 'all' : s)} data-testid={`count-${s}`}>
            <span className="n">{formatNumber(count(s), i18n.language)}</span> {t(`import.status.${s}`)}
          </button>
        ))}
      </div>
      <table className="files">
        <thead><tr><th>{t('import.file')}</th><th>{t('import.result')}</th><th>{t('import.reason')}</th></tr></thead>
        <tbody>
          {shown.map((f, i) => (
            <tr key={`${f.path}-${i}`} className={f.status}>
              <td className="path">{f.path}</td>
              <td>{t(`import.status.${f.status}`)}{f.bytes !== undefined ? ` · ${formatBytes(f.bytes, i18n.language)}` : ''}</td>
              <td>{[f.reason, ...(f.warnings ?? [])].filter(Boolean).join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Drop or pick folders and files; a live progress panel; cancel; the report at the end. */
export function ImportScreen() {
  const { t } = useTranslation();
  const app = useApp();
  const [inputs, setInputs] = useState<string[]>([]);
  const [jobId, setJobId] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const job = jobId ? latestJob(app.jobs, 'ingest', jobId) : null;
  const running = job && ['queued', 'running'].includes(job.info.state);

  const add = (paths: string[]) => setInputs((cur) => [...new Set([...cur, ...paths.filter(Boolean)])]);
  const pick = async (kind: 'folder' | 'files') => {
    try {
      const r = kind === 'folder' ? await call('dialog.pickFolder', { purpose: 'import' }) : await call('dialog.pickFiles', {});
      add(r.paths);
    } catch (e) {
      app.report(e);
    }
  };
  const start = async () => {
    try {
      const r = await call('jobs.start', { kind: 'ingest', inputs });
      setJobId(r.jobId);
      setInputs([]);
    } catch (e) {
      app.report(e);
    }
  };
  const cancel = () => jobId && call('jobs.cancel', { jobId }).catch(app.report);
  const result = job?.info.result?.kind === 'ingest' ? job.info.result.report : null;

  return (
    <div className="import">
      <h1>{t('import.title')}</h1>
      <div className={over ? 'dropzone over' : 'dropzone'} data-testid="dropzone"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); add(Array.from(e.dataTransfer.files).map(pathForFile)); }}>
        <p>{t('import.drop')}</p>
        <div className="row">
          <button type="button" onClick={() => void pick('folder')} data-testid="pick-folder">{t('import.pickFolder')}</button>
          <button type="button" onClick={() => void pick('files')} data-testid="pick-files">{t('import.pickFiles')}</button>
        </div>
      </div>
      {inputs.length > 0 && (
        <section className="card">
          <h2>{t('import.toImport')}</h2>
          <ul className="inputs" data-testid="inputs">
            {inputs.map((p) => <li key={p}><span className="path">{p}</span><button type="button" className="remove" onClick={() => setInputs(inputs.filter((x) => x !== p))} aria-label={t('tags.remove', { name: p })}>{t('tags.removeShort')}</button></li>)}
          </ul>
          <button type="button" className="primary" disabled={!!running} onClick={() => void start()} data-testid="start-import">{t('import.start')}</button>
        </section>
      )}
      {job && running && <ProgressPanel progress={job.progress} onCancel={() => void cancel()} />}
      {job?.info.state === 'failed' && <p className="error" role="alert">{t('import.failed', { reason: job.info.error?.message ?? '' })}</p>}
      {job && !running && (result || job.files.length > 0) && <Report files={result?.files ?? job.files} interrupted={job.info.state === 'cancelled' || !!result?.interrupted} />}
      {job && !running && result && result.counts.added + result.counts.duplicate > 0 && (
        <button type="button" onClick={() => app.go({ screen: 'library' })} data-testid="to-library">{t('import.toLibrary')}</button>
      )}
    </div>
  );
}
