import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../bridge.ts';
import { PathField } from '../components/PathField.tsx';
import { ProgressPanel } from '../components/Progress.tsx';
import { formatBytes, formatInstant, formatNumber } from '../format.ts';
import { latestJob, useApp } from '../state.tsx';

/** Unrecorded copies listed before "show all": enough to recognise them, short with thousands. */
const FEW_COPIES = 5;

/**
 * The note for a fixity report's `unrecordedCopies` (absolute paths of intact copies at their own
 * content address that no item records): how many, their paths (the first few, all on request,
 * in a bounded scrolling box) and what to do about them. Styled as a note, never as a problem:
 * the check passes with them, and nothing recorded is affected. Renders nothing for an empty list.
 */
function UnrecordedCopies({ paths }: { paths: readonly string[] }) {
  const { t, i18n } = useTranslation();
  const [all, setAll] = useState(false);
  if (!paths.length) return null;
  const n = formatNumber(paths.length, i18n.language);
  const shown = all ? paths : paths.slice(0, FEW_COPIES);
  return (
    <section className="note" role="note" aria-labelledby="unrecorded-copies-title" data-testid="unrecorded-copies">
      <h4 id="unrecorded-copies-title" data-testid="unrecorded-title">{t('verify.unrecorded.title', { count: paths.length, n })}</h4>
      <p className="hint">{t('verify.unrecorded.hint')}</p>
      {/* One path a line: .raw bounds the box and scrolls it, and the paths copy as plain lines. */}
      <div className="raw">
        <pre tabIndex={0} data-testid="unrecorded-paths">{shown.join('\n')}</pre>
      </div>
      {paths.length > FEW_COPIES && (
        <button type="button" className="link" aria-expanded={all} onClick={() => setAll(!all)} data-testid="unrecorded-toggle">
          {all ? t('verify.unrecorded.showFewer') : t('verify.unrecorded.showAll', { n })}
        </button>
      )}
    </section>
  );
}

/** Fixity check of the open archive, and verification of a received bag. */
export function VerifyScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const [fixityId, setFixityId] = useState<string | null>(null);
  const [bagId, setBagId] = useState<string | null>(null);
  const [bagDir, setBagDir] = useState('');
  const fixity = fixityId ? latestJob(app.jobs, 'verifyArchive', fixityId) : null;
  const bag = bagId ? latestJob(app.jobs, 'verifyBag', bagId) : null;
  const start = async (kind: 'verifyArchive' | 'verifyBag') => {
    try {
      if (kind === 'verifyArchive') setFixityId((await call('jobs.start', { kind })).jobId);
      else setBagId((await call('jobs.start', { kind, dir: bagDir.trim() })).jobId);
    } catch (e) {
      app.report(e);
    }
  };
  const running = (j: typeof fixity) => !!j && ['queued', 'running'].includes(j.info.state);
  const fr = fixity?.info.result?.kind === 'verifyArchive' ? fixity.info.result.report : null;
  const br = bag?.info.result?.kind === 'verifyBag' ? bag.info.result.report : null;
  return (
    <div className="verify">
      <h1>{t('verify.title')}</h1>
      <section className="card">
        <h2>{t('verify.archive')}</h2>
        <p className="hint">{t('verify.archiveHint')}</p>
        <button type="button" className="primary" disabled={running(fixity)} onClick={() => void start('verifyArchive')} data-testid="start-fixity">{t('verify.runFixity')}</button>
        {running(fixity) && <ProgressPanel progress={fixity!.progress} onCancel={() => void call('jobs.cancel', { jobId: fixity!.info.id })} />}
        {fixity?.info.state === 'failed' && <p className="error" role="alert">{fixity.info.error?.message}</p>}
        {fr && (
          // A cancelled check verified nothing: neither the pass colour nor "0 problems found".
          <div className={fr.interrupted ? 'report interrupted' : fr.ok ? 'report ok' : 'report bad'} data-testid="fixity-report" data-job-id={fixity!.info.id}>
            <h3 data-testid="fixity-verdict">{fr.interrupted ? t('verify.fixityInterrupted') : fr.ok ? t('verify.fixityOk') : t('verify.fixityBad', { count: fr.problems.length })}</h3>
            {fr.interrupted && <p className="warnings" role="status" data-testid="fixity-interrupted">{t('verify.interruptedHint')}</p>}
            <dl className="facts">
              <dt>{t('verify.itemsChecked')}</dt><dd data-testid="fixity-items">{formatNumber(fr.itemsChecked, lng)}</dd>
              <dt>{t('verify.itemsTotal')}</dt><dd data-testid="fixity-total">{formatNumber(fr.itemsTotal, lng)}</dd>
              <dt>{t('verify.bytesChecked')}</dt><dd>{formatBytes(fr.bytesChecked, lng)}</dd>
              {/* The log as it stood before the check, then what the check appended: the head below is after both. */}
              <dt>{t('verify.custodyRows')}</dt><dd data-testid="fixity-custody-rows">{formatNumber(fr.custodyRowsChecked, lng)}</dd>
              <dt>{t('verify.eventsAdded')}</dt><dd data-testid="fixity-events-added">{formatNumber(fr.custodyEventsAdded, lng)}</dd>
              {fr.chainHead && <><dt>{t('verify.chainHead')}</dt><dd className="mono" data-testid="fixity-chain-head">{t('verify.chainHeadValue', { seq: fr.chainHead.seq, hash: fr.chainHead.hash })}</dd></>}
              {fr.finishedAt && <><dt>{t('verify.finishedAt')}</dt><dd>{formatInstant(fr.finishedAt, lng)}</dd></>}
            </dl>
            {fr.problems.length > 0 && <ul className="problems" data-testid="fixity-problems">{fr.problems.map((p, i) => <li key={i} data-kind={p.kind}><strong>{t(`verify.problem.${p.kind}`, { defaultValue: p.kind })}</strong> {p.reason}</li>)}</ul>}
            {fr.unrecordedBecause && <p className="warnings" role="status" data-testid="fixity-not-recorded">{t(`verify.notRecorded.${fr.unrecordedBecause}`)}</p>}
            {/* Keyed by the run, so a new report starts collapsed again. */}
            <UnrecordedCopies key={fr.finishedAt} paths={fr.unrecordedCopies} />
          </div>
        )}
      </section>
      <section className="card">
        <h2>{t('verify.bag')}</h2>
        <p className="hint">{t('verify.bagHint')}</p>
        <PathField label={t('verify.bagFolder')} value={bagDir} onChange={setBagDir} purpose="bag" testId="bag-dir-input" />
        <button type="button" className="primary" disabled={!bagDir.trim() || running(bag)} onClick={() => void start('verifyBag')} data-testid="start-bag">{t('verify.runBag')}</button>
        {running(bag) && <p>{t('verify.checking')}</p>}
        {bag?.info.state === 'failed' && <p className="error" role="alert">{bag.info.error?.message}</p>}
        {br && (
          <div className={br.valid ? 'report ok' : 'report bad'} data-testid="bag-report">
            <h3 data-testid="bag-verdict">{br.valid ? t('verify.bagOk') : t('verify.bagBad', { count: br.problems.length })}</h3>
            <dl className="facts">
              <dt>{t('verify.bagFolder')}</dt><dd className="path">{br.bagDir}</dd>
              <dt>{t('verify.payload')}</dt><dd>{t('verify.payloadValue', { files: formatNumber(br.payloadFiles, lng), bytes: formatBytes(br.payloadBytes, lng) })}</dd>
              {br.tagManifestSha256 && <><dt>{t('export.tagManifest')}</dt><dd className="mono" data-testid="bag-tagmanifest">{br.tagManifestSha256}</dd></>}
            </dl>
            {br.problems.length > 0 && <ul className="problems">{br.problems.map((p, i) => <li key={i}>{p.file && <strong>{p.file}</strong>} {p.reason}</li>)}</ul>}
          </div>
        )}
      </section>
    </div>
  );
}
