import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../bridge.ts';
import { PathField } from '../components/PathField.tsx';
import { ProgressPanel } from '../components/Progress.tsx';
import { formatNumber } from '../format.ts';
import { latestJob, useApp } from '../state.tsx';

/** Export the selection or the current filter as a BagIt evidence set. */
export function ExportScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const [source, setSource] = useState<'selection' | 'filter'>(app.selection.size ? 'selection' : 'filter');
  const [filterCount, setFilterCount] = useState<number | null>(null);
  const [dest, setDest] = useState('');
  const [recipient, setRecipient] = useState('');
  const [organization, setOrganization] = useState('');
  const [zip, setZip] = useState(false);
  // A full set goes to an authority that needs identities; a public release is redacted (README, --redact-people).
  const [kind, setKind] = useState<'full' | 'public'>('full');
  const [includeSensitive, setIncludeSensitive] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = jobId ? latestJob(app.jobs, 'export', jobId) : null;
  const running = job && ['queued', 'running'].includes(job.info.state);
  useEffect(() => {
    call('items.list', { filter: app.filter, sort: { by: 'id', dir: 'asc' } }).then((r) => setFilterCount(r.total), app.report);
  }, [app.filter, app.report]);
  const count = source === 'selection' ? app.selection.size : filterCount ?? 0;

  const start = async () => {
    try {
      const common = {
        outDir: dest.trim(), recipient: recipient.trim() || undefined, organization: organization.trim() || undefined, zip,
        redactPeople: kind === 'public', includeSensitive: kind === 'full' && includeSensitive,
      };
      const r = await call('jobs.start', source === 'selection'
        ? { kind: 'export', itemIds: [...app.selection], ...common }
        : { kind: 'export', filter: app.filter, ...common });
      setJobId(r.jobId);
    } catch (e) {
      app.report(e);
    }
  };
  const result = job?.info.result?.kind === 'export' ? job.info.result.report : null;
  return (
    <div className="export">
      <h1>{t('export.title')}</h1>
      <section className="card">
        <fieldset>
          <legend>{t('export.what')}</legend>
          <label><input type="radio" checked={source === 'selection'} disabled={!app.selection.size} onChange={() => setSource('selection')} data-testid="source-selection" />{t('export.selection', { n: formatNumber(app.selection.size, lng) })}</label>
          <label><input type="radio" checked={source === 'filter'} onChange={() => setSource('filter')} data-testid="source-filter" />{t('export.filter', { n: formatNumber(filterCount ?? 0, lng) })}</label>
        </fieldset>
        <fieldset className="set-kind">
          <legend>{t('export.kind')}</legend>
          <label><input type="radio" checked={kind === 'full'} onChange={() => setKind('full')} data-testid="kind-full" />{t('export.full')}</label>
          {kind === 'full' && (
            <label className="sub"><input type="checkbox" checked={includeSensitive} onChange={(e) => setIncludeSensitive(e.target.checked)} data-testid="include-sensitive" />{t('export.includeSensitive')}</label>
          )}
          <label><input type="radio" checked={kind === 'public'} onChange={() => setKind('public')} data-testid="kind-public" />{t('export.public')}</label>
          <p className="hint sub" data-testid="public-hint">{t('export.publicHint')}</p>
        </fieldset>
        <PathField label={t('export.destination')} value={dest} onChange={setDest} purpose="exportDest" testId="export-dest" />
        <label className="field"><span>{t('export.recipient')}</span><input type="text" value={recipient} onChange={(e) => setRecipient(e.target.value)} data-testid="recipient" /></label>
        <label className="field"><span>{t('export.organization')}</span><input type="text" value={organization} onChange={(e) => setOrganization(e.target.value)} /></label>
        <label className="chip"><input type="checkbox" checked={zip} onChange={(e) => setZip(e.target.checked)} />{t('export.zip')}</label>
        <button type="button" className="primary" disabled={!count || !dest.trim() || !!running} onClick={() => void start()} data-testid="start-export">{t('export.start', { count, n: formatNumber(count, lng) })}</button>
      </section>
      {job && running && <ProgressPanel progress={job.progress} onCancel={() => void call('jobs.cancel', { jobId: job.info.id })} />}
      {job?.info.state === 'failed' && <p className="error" role="alert" data-testid="export-failed">{t('export.failed', { reason: job.info.error?.message ?? '' })}</p>}
      {job?.info.state === 'cancelled' && <p className="error">{t('export.cancelled')}</p>}
      {result && (
        <section className="card result" data-testid="export-result">
          <h2>{t('export.done', { count: result.items, n: formatNumber(result.items, lng) })}</h2>
          <dl className="facts">
            <dt>{t('export.kind')}</dt><dd data-testid="export-kind">{result.redactPeople ? t('export.public') : t('export.full')}</dd>
            <dt>{t('export.bag')}</dt><dd className="path" data-testid="bag-dir">{result.bagDir}</dd>
            {result.zip && <><dt>{t('export.zipFile')}</dt><dd className="path">{result.zip.zipPath}</dd></>}
            <dt>{t('export.oxum')}</dt><dd>{result.payloadOxum}</dd>
            <dt>{t('export.tagManifest')}</dt><dd className="mono big" data-testid="tagmanifest">{result.tagManifestSha256}</dd>
          </dl>
          {result.recovered?.length ? (
            <div data-testid="export-recovered">
              <h3>{t('export.recovered')}</h3>
              <ul>
                {result.recovered.map((r) => (
                  <li key={r.exportId}>
                    {t(`export.recovered_${r.outcome}`, { id: r.exportId })}
                    {[...r.done, ...r.removed.map((p) => t('export.recoveredRemoved', { path: p })), ...r.problems].map((line) => <div key={line} className="path">{line}</div>)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <p className="hint">{t('export.readOut')}</p>
        </section>
      )}
    </div>
  );
}
