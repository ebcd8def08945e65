import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../bridge.ts';
import { FixityFailureEntry } from '../components/Fixity.tsx';
import { PathField } from '../components/PathField.tsx';
import { ProgressPanel } from '../components/Progress.tsx';
import { formatBytes, formatInstant, formatNumber } from '../format.ts';
import type { JobInfo } from '../../../electron/common/ipc.ts';
import { latestJob, useApp } from '../state.tsx';

/** The form of an OpenSSH fingerprint: a format, the same in every language. */
const FINGERPRINT_FORM = 'SHA256:…';

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

type FixityReport = Extract<NonNullable<JobInfo['result']>, { kind: 'verifyArchive' }>['report'];
type BagReport = Extract<NonNullable<JobInfo['result']>, { kind: 'verifyBag' }>['report'];

/**
 * The archive's seals (issue 12 §3): how many still match the chain, and the first one a change
 * breaks, in red with why. Renders nothing for an archive never sealed.
 */
function SealsFacts({ report }: { report: FixityReport }) {
  const { t, i18n } = useTranslation();
  const { seals } = report;
  if (!seals.count) return <><dt>{t('verify.seals.title')}</dt><dd data-testid="fixity-seals">{t('verify.seals.none')}</dd></>;
  const broken = new Set(report.problems.filter((p) => p.kind === 'seal' && p.seq !== undefined).map((p) => p.seq));
  const holding = Math.max(0, seals.count - broken.size);
  // The reason without the "seal of row N: " the core puts first: the label says which seal.
  const why = seals.firstBroken === null ? null : report.problems.find((p) => p.kind === 'seal' && p.seq === seals.firstBroken)?.reason.replace(/^seal of row \d+: /u, '');
  return (
    <>
      <dt>{t('verify.seals.title')}</dt>
      <dd data-testid="fixity-seals" className={broken.size ? 'error' : undefined}>
        {t('verify.seals.holding', { count: seals.count, holding: formatNumber(holding, i18n.language), n: formatNumber(seals.count, i18n.language) })}
        {seals.latest && <div className="hint">{t(seals.latest.signer ? 'verify.seals.latestSigned' : 'verify.seals.latestUnsigned', { seq: seals.latest.seq, signer: seals.latest.signer })}</div>}
      </dd>
      {seals.firstBroken !== null && (
        <><dt className="error">{t('verify.seals.firstBroken')}</dt><dd className="error broken-seal" data-testid="fixity-first-broken">{t('verify.seals.brokenRow', { seq: seals.firstBroken })}{why ? `: ${why}` : ''}</dd></>
      )}
    </>
  );
}

/** The fixity check run (issue 15 §2): its number, whether it continued an unfinished one, what it covered, and its outcomes. */
function RunFacts({ run }: { run: NonNullable<FixityReport['run']> }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const f = run.scope.filters;
  const scope = run.wholeArchive ? t('verify.run.scope.archive') : [
    f.since !== undefined ? t('verify.run.scope.since', { since: formatInstant(f.since, lng) }) : '',
    f.olderThan !== undefined ? t('verify.run.scope.olderThan', { age: f.olderThan }) : '',
    f.sample !== undefined ? t('verify.run.scope.sample', { percent: f.sample }) : '',
    f.items?.length ? t('verify.run.scope.items', { items: f.items.join(', ') }) : '',
    f.reels?.length ? t('verify.run.scope.reels', { reels: f.reels.join(', ') }) : '',
  ].filter(Boolean).join('; ');
  const failed = Object.values(run.failed).reduce((n, x) => n + x, 0);
  return (
    <>
      <dt>{t('verify.run.label')}</dt>
      <dd data-testid="fixity-run">{run.resumed ? t('verify.run.resumed', { run: run.id, before: formatNumber(run.checkedBefore, lng), sessions: run.sessions }) : t('verify.run.id', { run: run.id })}</dd>
      <dt>{t('verify.run.scopeLabel')}</dt><dd data-testid="fixity-scope">{scope}</dd>
      <dt>{t('verify.run.outcomes')}</dt>
      <dd data-testid="fixity-outcomes" className={failed ? 'error' : undefined}>{t('verify.run.outcomesValue', { passed: formatNumber(run.passed, lng), failed: formatNumber(failed, lng) })}</dd>
    </>
  );
}

/** A bag report's problems other than its failed trust checks (verifyReceivedSet lists those twice). */
const fileProblems = (r: BagReport) => r.problems.filter((p) => !r.checks.some((c) => !c.ok && p.reason === `${c.name}: ${c.detail}`));

/** The names the trust checks use (core/verify/bag-trust.ts), as a reader's label; others shown as they are. */
function checkLabel(name: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const sig = /^signature \((.+)\)$/u.exec(name);
  if (sig) return t('verify.check.signatureOf', { what: sig[1] });
  const ts = /^timestamp (\d+)$/u.exec(name);
  if (ts) return t('verify.check.timestampN', { n: ts[1] });
  return t(`verify.check.${name.replace(/ /gu, '_')}`, { defaultValue: name });
}

/**
 * A received set's verdict (issue 12 §5): the level in words, what is missing to prove more, the
 * verifier's own sentence, and every check as a line: ✓ holds, ! holds but is not the whole
 * answer (a note), ✗ fails (in red).
 */
function BagVerdict({ report }: { report: BagReport }) {
  const { t } = useTranslation();
  const { verdict } = report;
  const missing = verdict.level !== 'intact-unproven' ? [] : [
    ...(report.signatureStatus === 'not-signed' ? [t('verify.missing.notSigned')] : []),
    ...(!report.sealed ? [t('verify.missing.notSealed')] : []),
    ...(report.signatureStatus === 'unpinned' ? [t('verify.missing.unpinned', { fingerprint: report.signer?.fingerprint ?? '' })] : []),
    ...(!report.timestamps.length ? [t('verify.missing.noTimestamp')] : []),
  ];
  return (
    <>
      <h3 data-testid="bag-verdict" data-level={verdict.level}>{t(`verify.verdict.${verdict.level}`)}</h3>
      {missing.length > 0 && <ul className="missing" data-testid="bag-missing">{missing.map((m) => <li key={m}>{m}</li>)}</ul>}
      <p className="verdict-sentence" data-testid="bag-sentence" lang="en">{verdict.sentence}</p>
      <ul className="checks" data-testid="bag-checks">
        {report.checks.map((c, i) => {
          const status = !c.ok ? 'fail' : c.warning ? 'note' : 'ok';
          return (
            <li key={i} className={status} data-testid="bag-check" data-status={status} data-name={c.name}>
              <span className="mark" aria-label={t(`verify.check.status.${status}`)}>{status === 'ok' ? '✓' : status === 'fail' ? '✗' : '!'}</span>
              <span className="line"><strong>{checkLabel(c.name, t)}</strong> <span lang="en">{c.detail}</span></span>
            </li>
          );
        })}
      </ul>
    </>
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
  const [expectKey, setExpectKey] = useState('');
  const [tsaCa, setTsaCa] = useState('');
  const fixity = fixityId ? latestJob(app.jobs, 'verifyArchive', fixityId) : null;
  const bag = bagId ? latestJob(app.jobs, 'verifyBag', bagId) : null;
  const start = async (kind: 'verifyArchive' | 'verifyBag') => {
    try {
      if (kind === 'verifyArchive') setFixityId((await call('jobs.start', { kind })).jobId);
      else {
        setBagId((await call('jobs.start', {
          kind, dir: bagDir.trim(), ...(expectKey.trim() ? { expectKey: expectKey.trim() } : {}), ...(tsaCa.trim() ? { tsaCaFile: tsaCa.trim() } : {}),
        })).jobId);
      }
    } catch (e) {
      app.report(e);
    }
  };
  const pickCa = async () => {
    try {
      const r = await call('dialog.pickFiles', {});
      if (r.paths[0]) setTsaCa(r.paths[0]);
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
            {fr.run && fr.interrupted && <p className="hint" data-testid="fixity-kept">{t('verify.run.kept', { run: fr.run.id })}</p>}
            <dl className="facts">
              {fr.run && <RunFacts run={fr.run} />}
              <dt>{t('verify.itemsChecked')}</dt><dd data-testid="fixity-items">{formatNumber(fr.itemsChecked, lng)}</dd>
              <dt>{t('verify.itemsTotal')}</dt><dd data-testid="fixity-total">{formatNumber(fr.itemsTotal, lng)}</dd>
              <dt>{t('verify.bytesChecked')}</dt><dd>{formatBytes(fr.bytesChecked, lng)}</dd>
              {/* The log as it stood before the check, then what the check appended: the head below is after both. */}
              <dt>{t('verify.custodyRows')}</dt><dd data-testid="fixity-custody-rows">{formatNumber(fr.custodyRowsChecked, lng)}</dd>
              <dt>{t('verify.eventsAdded')}</dt><dd data-testid="fixity-events-added">{formatNumber(fr.custodyEventsAdded, lng)}</dd>
              {fr.chainHead && <><dt>{t('verify.chainHead')}</dt><dd className="mono" data-testid="fixity-chain-head">{t('verify.chainHeadValue', { seq: fr.chainHead.seq, hash: fr.chainHead.hash })}</dd></>}
              <SealsFacts report={fr} />
              {fr.finishedAt && <><dt>{t('verify.finishedAt')}</dt><dd>{formatInstant(fr.finishedAt, lng)}</dd></>}
            </dl>
            {fr.problems.length > 0 && (
              <ul className="problems" data-testid="fixity-problems">
                {/* An item's failure names the file, where it came from and what to do; other problems (chain, seals, store) their reason. */}
                {fr.problems.map((p, i) => (p.itemId !== undefined
                  ? <FixityFailureEntry key={i} p={p} />
                  : <li key={i} data-kind={p.kind}><strong>{t(`verify.problem.${p.kind}`, { defaultValue: p.kind })}</strong> {p.reason}</li>))}
              </ul>
            )}
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
        <label className="field"><span>{t('verify.expectKey')}</span>
          <input type="text" value={expectKey} onChange={(e) => setExpectKey(e.target.value)} spellCheck={false} placeholder={FINGERPRINT_FORM} data-testid="expect-key" />
        </label>
        <p className="hint">{t('verify.expectKeyHint')}</p>
        <label className="field path-field"><span>{t('verify.tsaCa')}</span>
          <span className="row">
            <input type="text" value={tsaCa} onChange={(e) => setTsaCa(e.target.value)} spellCheck={false} data-testid="tsa-ca" />
            <button type="button" onClick={() => void pickCa()} data-testid="tsa-ca-pick">{t('common.choose')}</button>
          </span>
        </label>
        <p className="hint">{t('verify.tsaCaHint')}</p>
        <button type="button" className="primary" disabled={!bagDir.trim() || running(bag)} onClick={() => void start('verifyBag')} data-testid="start-bag">{t('verify.runBag')}</button>
        {running(bag) && <p>{t('verify.checking')}</p>}
        {bag?.info.state === 'failed' && <p className="error" role="alert">{bag.info.error?.message}</p>}
        {br && (
          <div className={`report ${br.verdict.level === 'valid' ? 'ok' : br.verdict.level === 'invalid' ? 'bad' : 'unproven'}`} data-testid="bag-report" data-job={bag!.info.id}>
            <BagVerdict report={br} />
            <dl className="facts">
              <dt>{t('verify.bagFolder')}</dt><dd className="path">{br.bagDir}</dd>
              <dt>{t('verify.payload')}</dt><dd>{t('verify.payloadValue', { count: br.payloadFiles, files: formatNumber(br.payloadFiles, lng), bytes: formatBytes(br.payloadBytes, lng) })}</dd>
              {br.tagManifestSha256 && <><dt>{t('export.tagManifest')}</dt><dd className="mono" data-testid="bag-tagmanifest">{br.tagManifestSha256}</dd></>}
            </dl>
            {/* The files' problems; a failed trust check is already its own line above. */}
            {fileProblems(br).length > 0 && <ul className="problems" data-testid="bag-problems">{fileProblems(br).map((p, i) => <li key={i}>{p.file && <strong>{p.file}</strong>} {p.reason}</li>)}</ul>}
          </div>
        )}
      </section>
    </div>
  );
}
