import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRequest, Language, WithheldMediaDto } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { PassphraseDialog } from '../components/PassphraseDialog.tsx';
import { PathField } from '../components/PathField.tsx';
import { ProgressPanel } from '../components/Progress.tsx';
import { formatNumber } from '../format.ts';
import { latestJob, useApp } from '../state.tsx';
import { ReleaseRisksPanel, useReleaseRisks } from './export-risks.tsx';
import { CourtReadyFacts, parseTsaLines, SigningFields, type SigningState } from './export-signing.tsx';
import { LeftOutResult, UnredactableWarning, useUnredactable } from './export-left-out.tsx';

/** Items a public release leaves out, with why; with `choose`, a "send anyway" box per item. */
function WithheldList({ items, chosen, onToggle, testId }: { items: WithheldMediaDto[]; chosen?: ReadonlySet<number>; onToggle?: (id: number) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <table className="withheld" data-testid={testId}>
      <thead>
        <tr><th>{t('export.withheld.item')}</th><th>{t('export.withheld.name')}</th><th>{t('export.withheld.why')}</th>{onToggle && <th>{t('export.withheld.sendAnyway')}</th>}</tr>
      </thead>
      <tbody>
        {items.map((w) => (
          <tr key={w.id} data-testid="withheld-item" data-item={w.id} className={chosen?.has(w.id) ? 'chosen' : undefined}>
            <td>{w.id}</td>
            <td className="path">{w.fileName}</td>
            <td>{w.reasons.map((r) => t(`export.withheld.reasons.${r}`)).join('; ')}</td>
            {onToggle && (
              <td><input type="checkbox" checked={chosen?.has(w.id) ?? false} onChange={() => onToggle(w.id)} aria-label={t('export.withheld.sendAnyway')} data-testid={`send-anyway-${w.id}`} /></td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
  // What a public release of this selection would leave out (people flagged sensitive, consent not
  // given), asked for before exporting; the user may send an item anyway, item by item.
  const [withheld, setWithheld] = useState<WithheldMediaDto[] | null>(null);
  const [sendAnyway, setSendAnyway] = useState<Set<number>>(new Set());
  // Who signs (issue 12): the keystore's keys, the one chosen, or the explicit choice of no signature.
  const [signing, setSigning] = useState<SigningState>(() => ({
    keys: null, keyName: app.settings.signingKey ?? '', unsigned: false, tsaText: app.settings.tsaUrls.join('\n'),
    lang: (['en', 'ru', 'ky'] as const).find((l) => l === lng) ?? 'en',
  }));
  const [asking, setAsking] = useState(false);
  // What the originals still carry (GPS, serial numbers, faces), counted before a public release.
  const [useRedacted, setUseRedacted] = useState(false);
  const riskSource = useMemo(() => (kind !== 'public' ? null : source === 'selection' ? (app.selection.size ? { itemIds: [...app.selection] } : null) : { filter: app.filter }),
    [kind, source, app.selection, app.filter]);
  const risks = useReleaseRisks(riskSource, app.dataVersion);
  // Asked only when redacted copies can be chosen: what a set of them would leave out (no copy can be made of its type).
  const unredactableChosen = useUnredactable(risks?.redacted.itemsWithRedacted ? riskSource : null, app.dataVersion);
  useEffect(() => {
    call('keys.list', {}).then((r) => setSigning((s) => ({
      ...s, keys: r.keys,
      keyName: r.keys.some((k) => k.name === s.keyName) ? s.keyName : r.keys[0]?.name ?? '',
    })), app.report);
  }, [app.report]);
  useEffect(() => {
    call('items.count', { filter: app.filter }).then((r) => setFilterCount(r.total), app.report);
  }, [app.filter, app.report]);
  useEffect(() => {
    if (kind !== 'public' || (source === 'selection' && !app.selection.size)) {
      setWithheld(null);
      return;
    }
    let live = true;
    call('export.withheld', source === 'selection' ? { itemIds: [...app.selection] } : { filter: app.filter })
      .then((w) => {
        if (!live) return;
        setWithheld(w);
        setSendAnyway((prev) => new Set([...prev].filter((id) => w.some((x) => x.id === id))));
      }, app.report);
    return () => {
      live = false;
    };
  }, [kind, source, app.selection, app.filter, app.report]);
  const toggle = (id: number) => setSendAnyway((prev) => {
    const next = new Set(prev);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const chosenTotal = source === 'selection' ? app.selection.size : filterCount ?? 0;
  const withheldOut = kind === 'public' && withheld ? withheld.filter((w) => !sendAnyway.has(w.id)) : [];
  // As the export job: the public release's withheld items go first, then the unredactable of the rest.
  const redactedChosen = kind === 'public' && useRedacted && !!risks?.redacted.itemsWithRedacted;
  const unredactable = redactedChosen && unredactableChosen ? unredactableChosen.filter((i) => !withheldOut.some((w) => w.id === i.id)) : [];
  const afterWithheld = chosenTotal - withheldOut.length;
  const count = afterWithheld - unredactable.length;

  const signingKey = signing.keys?.find((k) => k.name === signing.keyName) ?? null;
  const tsa = parseTsaLines(signing.tsaText);
  // Signed with the key shown, or unsigned by the user's explicit choice; never by default.
  const signReady = signing.keys !== null && (signing.unsigned || !!signingKey);

  /** Starts the job; `sign` is the key and passphrase (checked just before), or false for a set the user chose to leave unsigned. */
  const startJob = async (sign: { key: string; passphrase: string } | false) => {
    // The TSAs and the key are remembered for the next export (the CLI's setting); the passphrase never is.
    const saved = await call('settings.set', { tsaUrls: tsa.urls, ...(sign ? { signingKey: sign.key } : {}) });
    app.setSettings(saved);
    const common = {
        outDir: dest.trim(), recipient: recipient.trim() || undefined, organization: organization.trim() || undefined, zip,
        redactPeople: kind === 'public', includeSensitive: kind === 'full' && includeSensitive,
        ...(kind === 'public' && sendAnyway.size ? { includeWithheldMedia: [...sendAnyway] } : {}),
        ...(redactedChosen ? { redactedMedia: true } : {}),
        ...(sign ? { sign } : { unsigned: true }), tsaUrls: tsa.urls, lang: signing.lang as Language,
    };
    const request: JobRequest = source === 'selection'
      ? { kind: 'export', itemIds: [...app.selection], ...common }
      : { kind: 'export', filter: app.filter, ...common };
    const r = await call('jobs.start', request);
    setJobId(r.jobId);
  };
  const start = async () => {
    if (!signing.unsigned && signingKey) {
      setAsking(true);
      return;
    }
    try {
      await startJob(false);
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
          {kind === 'public' && withheld && (withheld.length ? (
            <div className="sub withheld-preview" data-testid="withheld-preview">
              <p className="warning" data-testid="withheld-count">{t('export.withheld.title', { count: withheld.length, n: formatNumber(withheld.length, lng) })}</p>
              <p className="hint">{t('export.withheld.hint')}</p>
              <WithheldList items={withheld} chosen={sendAnyway} onToggle={toggle} testId="withheld-list" />
              {afterWithheld === 0 && <p className="error" data-testid="all-withheld">{t('export.withheld.allWithheld')}</p>}
            </div>
          ) : <p className="hint sub" data-testid="withheld-none">{t('export.withheld.none')}</p>)}
          {kind === 'public' && risks && <ReleaseRisksPanel risks={risks} useRedacted={useRedacted} onUseRedacted={setUseRedacted} cannotRedact={unredactableChosen?.length ?? 0} />}
          {redactedChosen && <UnredactableWarning items={unredactable} allLeftOut={count === 0 && afterWithheld > 0} />}
        </fieldset>
        <PathField label={t('export.destination')} value={dest} onChange={setDest} purpose="exportDest" testId="export-dest" />
        <label className="field"><span>{t('export.recipient')}</span><input type="text" value={recipient} onChange={(e) => setRecipient(e.target.value)} data-testid="recipient" /></label>
        <label className="field"><span>{t('export.organization')}</span><input type="text" value={organization} onChange={(e) => setOrganization(e.target.value)} /></label>
        <label className="chip"><input type="checkbox" checked={zip} onChange={(e) => setZip(e.target.checked)} />{t('export.zip')}</label>
        <SigningFields state={signing} onChange={(patch) => setSigning((s) => ({ ...s, ...patch }))} />
        <button type="button" className="primary" disabled={!count || !dest.trim() || !!running || !signReady || tsa.bad.length > 0} onClick={() => void start()} data-testid="start-export">{t('export.start', { count, n: formatNumber(count, lng) })}</button>
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
          <CourtReadyFacts result={result} />
          {result.withheldMedia.length > 0 && (
            <>
              <h3>{t('export.withheld.leftOut', { count: result.withheldMedia.length, n: formatNumber(result.withheldMedia.length, lng) })}</h3>
              <WithheldList items={result.withheldMedia} testId="export-withheld" />
            </>
          )}
          <LeftOutResult items={result.leftOutUnredacted} />
          {result.includedWithheldMedia.length > 0 && (
            <>
              <h3>{t('export.withheld.sentOnRequest', { count: result.includedWithheldMedia.length, n: formatNumber(result.includedWithheldMedia.length, lng) })}</h3>
              <WithheldList items={result.includedWithheldMedia} testId="export-included" />
            </>
          )}
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
      {asking && signingKey && (
        <PassphraseDialog keyName={signingKey.name} fingerprint={signingKey.fingerprint} purpose={t('export.signing.purpose')} submitLabel={t('export.signing.signAndExport')}
          onCancel={() => setAsking(false)}
          onSubmit={async (passphrase) => {
            // Checked before the job starts, so a wrong passphrase stays in the dialog with its message.
            await call('keys.check', { name: signingKey.name, passphrase });
            await startJob({ key: signingKey.name, passphrase });
            setAsking(false);
          }} />
      )}
    </div>
  );
}
