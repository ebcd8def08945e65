import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { custodySummary, isFailedEvent } from '../../../electron/common/custody-words.ts';
import { fixityFinding, isFailedFixityCheck, itemRunPass } from '../../../electron/common/fixity.ts';
import { findingLines, LastCheckLine } from '../components/Fixity.tsx';
import { LONG_TEXT_MAX, type ChannelInput, type ItemDetail } from '../../../electron/common/ipc.ts';
import { call, mediaUrl } from '../bridge.ts';
import { ItemTagEditor } from '../components/TagEditor.tsx';
import { RegionEditor } from '../components/RegionEditor.tsx';
import { formatBytes, formatCaptured, formatDuration, formatInstant, formatMetres, formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';
import { CredentialsPanel } from '../components/Credentials.tsx';
import { GpsMismatchFlag } from '../components/GpsMismatchFlag.tsx';
import { ContactSheet } from '../components/ContactSheet.tsx';

// Image types Chromium draws itself; others (HEIC, TIFF, RAW) are shown through their preview.
const WEB_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

function Viewer({ d }: { d: ItemDetail }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  const s = d.summary;
  if (s.kind === 'video' && !failed) {
    return <video className="viewer" controls preload="metadata" src={mediaUrl('original', s.id)} poster={s.thumb ? mediaUrl('thumb', s.id) : undefined} onError={() => setFailed(true)} data-testid="video" />;
  }
  if (s.kind === 'audio' && !failed) return <audio className="viewer" controls preload="metadata" src={mediaUrl('original', s.id)} onError={() => setFailed(true)} data-testid="audio" />;
  if (s.kind === 'image' && s.mime && WEB_IMAGES.has(s.mime) && !failed) {
    // image-orientation: from-image (styles.css) turns the photo upright by its EXIF Orientation.
    return <img className="viewer" src={mediaUrl('original', s.id)} alt={s.name} onError={() => setFailed(true)} data-testid="image" />;
  }
  if (s.thumb) {
    return (
      <figure className="viewer-fallback">
        <img className="viewer" src={mediaUrl('thumb', s.id)} alt={s.name} data-testid="preview" />
        <figcaption>{t('item.previewOnly')}</figcaption>
      </figure>
    );
  }
  return <div className="viewer placeholder">{t('item.noPreview')}</div>;
}

type TFn = ReturnType<typeof useTranslation>['t'];

/** The outcome of a custody event in a word of the reader's language; FAILED for any failure. */
function outcomeText(t: TFn, e: ItemDetail['custody'][number]): string {
  // A run's event in this item's timeline is the item's pass in it, whatever the run found elsewhere.
  if (itemRunPass(e) !== null) return t('item.fixity.passed');
  const o = typeof e.detail.outcome === 'string' ? e.detail.outcome : '';
  if (isFailedEvent(e)) return e.type === 'fixity check' ? t('item.fixity.failed') : t('custody.outcome.failed');
  if (o === 'pass') return e.type === 'fixity check' ? t('item.fixity.passed') : t('custody.outcome.passed');
  if (o === 'success') return t('custody.outcome.done');
  if (o.startsWith('duplicate')) return t('custody.outcome.duplicate');
  if (o === 'in progress') return t('custody.outcome.inProgress');
  if (o === 'interrupted') return t('custody.outcome.interrupted');
  return o;
}

/** Custody summary variables that are counts (common/custody-words.ts). */
const COUNTED_VARS = ['items', 'problems', 'copied', 'present', 'failed', 'intact', 'checked'] as const;

/** What the event did, in a sentence of the reader's language (the custody report's, common/custody-words.ts). */
function summaryText(t: TFn, lng: string, e: ItemDetail['custody'][number]): string {
  const run = itemRunPass(e);
  if (run !== null) return t('custody.line.fixityRunPass', { run, items: typeof e.detail.itemsChecked === 'number' ? formatNumber(e.detail.itemsChecked, lng) : '?' });
  const s = custodySummary(e);
  const vars: Record<string, string> = { ...s.vars };
  if (s.bytes !== undefined) vars.size = formatBytes(s.bytes, lng);
  // Counts in the reader's numerals, and as a counted noun ("1 file", "5 файлов") for the
  // languages whose sentence puts the noun after the number.
  for (const k of COUNTED_VARS) {
    const v = s.vars[k];
    if (v === undefined || !/^\d+$/u.test(v)) continue;
    vars[k] = formatNumber(Number(v), lng);
    vars[`${k}Text`] = t(`custody.count.${k}`, { count: Number(v), n: vars[k] });
  }
  if (s.fields) vars.fields = s.fields.length ? s.fields.map((f) => t(`custody.field.${f}`)).join(', ') : t('custody.field.none');
  if (s.key === 'other') vars.type = t(`custody.${s.vars.type}`, { defaultValue: s.vars.type });
  if (s.key === 'validation') vars.verdict = t(`credentials.verdict.${s.vars.verdict}`, { defaultValue: s.vars.verdict });
  return t(`custody.line.${s.key}`, vars);
}

/**
 * One custody event in the timeline, as a readable line: when, who, what (the PREMIS type in
 * words), the outcome, and what happened in a sentence; a failure in red, FAILED, and a failed
 * fixity check with what it found.
 */
function CustodyEntry({ e }: { e: ItemDetail['custody'][number] }) {
  const { t, i18n } = useTranslation();
  const failedCheck = isFailedFixityCheck(e);
  const failed = isFailedEvent(e) && itemRunPass(e) === null;
  return (
    <li className={failed ? 'failed' : undefined} data-testid={failedCheck ? 'custody-failed' : 'custody-event'} data-type={e.type}>
      <span className="when">{formatInstant(e.at, i18n.language)}</span>
      <span className="who">{e.actor}</span>
      <strong className="what">{t(`custody.${e.type}`, { defaultValue: e.type })}</strong>
      <span className="outcome" data-testid="custody-outcome">{outcomeText(t, e)}</span>
      <span className="hash mono" title={e.hash}>{t('item.seq', { seq: e.seq })}</span>
      <p className="summary" data-testid="custody-summary">{summaryText(t, i18n.language, e)}</p>
      {failedCheck && (
        <ul className="finding" data-testid="fixity-finding">
          {findingLines(t, fixityFinding(e), e.detail.reason).map((l) => <li key={l}>{l}</li>)}
        </ul>
      )}
    </li>
  );
}

/** What the item's last fixity check found: the finding of its custody event (lastCheck.eventSeq), when it failed and is in the timeline. */
function lastCheckFinding(d: ItemDetail) {
  const seq = d.lastCheck?.eventSeq;
  const e = seq == null ? undefined : d.custody.find((x) => x.seq === seq);
  return e ? fixityFinding(e) : null;
}

function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const { report } = useApp();
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await call('clipboard.write', { text });
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch (e) {
      report(e);
    }
  };
  return <button type="button" className="copy" onClick={() => void copy()}>{done ? t('common.copied') : t('common.copy')}</button>;
}

function MetadataTable({ d }: { d: ItemDetail }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const r = d.record;
  const rows: [string, string | null][] = [
    ['item.fields.name', d.summary.name],
    ['item.fields.kind', t(`kinds.${r.kind}`)],
    ['item.fields.mime', r.mime],
    ['item.fields.bytes', `${formatBytes(r.bytes, lng)} (${formatNumber(r.bytes, lng)})`],
    ['item.fields.capturedAt', r.capturedAt ? `${formatCaptured(r.capturedAt, lng)}${r.capturedAtHasZone === false ? ` · ${t('item.noZone')}` : ''}` : null],
    ['item.fields.capturedAtSource', r.capturedAtSource ?? null],
    ['item.fields.camera', d.summary.camera],
    ['item.fields.serial', r.serial ? `${r.serial}${r.serialSource ? ` · ${r.serialSource}` : ''}` : null],
    ['item.fields.gps', r.gps ? `${r.gps.lat.toFixed(6)}, ${r.gps.lon.toFixed(6)}${r.gps.alt !== null ? ` · ${formatMetres(r.gps.alt, lng)}` : ''}${r.gps.noFix ? ` · ${t('item.noFix')}` : ''}` : null],
    ['item.fields.gpsSource', r.gps?.source ?? null],
    ['item.fields.size', r.width && r.height ? `${r.width} × ${r.height}` : null],
    ['item.fields.orientation', r.orientation !== null ? String(r.orientation) : null],
    ['item.fields.duration', r.durationSec !== null ? formatDuration(r.durationSec, lng) : null],
    ['item.fields.codec', r.codec ?? null],
    ['item.fields.ingestedAt', formatInstant(d.summary.ingestedAt, lng)],
  ];
  return (
    <dl className="facts" data-testid="metadata">
      {rows.filter(([, v]) => v).map(([k, v]) => [<dt key={`${k}-t`}>{t(k)}</dt>, <dd key={`${k}-d`} data-field={k.slice(12)}>{v}</dd>])}
    </dl>
  );
}

/**
 * The item's description and notes, with an editor: two text areas; Save sends only the fields
 * that changed (an emptied one as null, which clears it), each save being one custody event.
 */
function ItemText({ itemId, description, notes, onSaved }: { itemId: number; description: string | null; notes: string | null; onSaved(): Promise<void> }) {
  const { t } = useTranslation();
  const app = useApp();
  const [draft, setDraft] = useState<{ description: string; notes: string } | null>(null);
  const [saving, setSaving] = useState(false);
  // What Save would send: the trimmed text of each field that differs from what is stored.
  const change: ChannelInput<'catalog.describe'> = { id: itemId };
  if (draft) {
    const d = draft.description.trim();
    const n = draft.notes.trim();
    if (d !== (description ?? '')) change.description = d || null;
    if (n !== (notes ?? '')) change.notes = n || null;
  }
  const dirty = change.description !== undefined || change.notes !== undefined;
  const save = async () => {
    if (!dirty) return;
    setSaving(true);
    try {
      await call('catalog.describe', change);
      app.bumpData();
      await onSaved(); // the item (custody log included) as saved, before the editor closes
      setDraft(null);
    } catch (e) {
      app.report(e); // the draft stays, so nothing written is lost
    } finally {
      setSaving(false);
    }
  };
  if (!draft) {
    return (
      <section className="item-text" data-testid="item-text">
        <dl className="facts">
          <dt>{t('item.text.description')}</dt>
          <dd className={description ? 'prose' : 'hint'} data-testid="item-description">{description ?? t('item.text.empty')}</dd>
          <dt>{t('item.text.notes')}</dt>
          <dd className={notes ? 'prose' : 'hint'} data-testid="item-notes">{notes ?? t('item.text.empty')}</dd>
        </dl>
        <div className="row">
          <button type="button" onClick={() => setDraft({ description: description ?? '', notes: notes ?? '' })} data-testid="item-text-edit">{t('common.edit')}</button>
        </div>
      </section>
    );
  }
  return (
    <form className="item-text editing" data-testid="item-text" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label className="field">
        <span>{t('item.text.description')}</span>
        <textarea rows={4} maxLength={LONG_TEXT_MAX} value={draft.description} disabled={saving}
          onChange={(e) => setDraft({ ...draft, description: e.target.value })} data-testid="item-description-input" />
      </label>
      <label className="field">
        <span>{t('item.text.notes')}</span>
        <textarea rows={6} maxLength={LONG_TEXT_MAX} value={draft.notes} disabled={saving}
          onChange={(e) => setDraft({ ...draft, notes: e.target.value })} data-testid="item-notes-input" />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={saving || !dirty} data-testid="item-text-save">{saving ? t('item.text.saving') : t('common.save')}</button>
        <button type="button" disabled={saving} onClick={() => setDraft(null)} data-testid="item-text-cancel">{t('common.cancel')}</button>
      </div>
    </form>
  );
}

/** One item: viewer, metadata (normalized and raw), description and notes, tags, digests, sightings, custody. */
export function ItemScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const [d, setD] = useState<ItemDetail | null>(null);
  const load = useCallback(() => call('items.get', { id }).then(setD, app.report), [id, app.report]);
  useEffect(() => {
    void load();
  }, [load, app.dataVersion]);
  if (!d) return <p>{t('common.loading')}</p>;
  return (
    <div className="item">
      <div className="item-head">
        <button type="button" onClick={() => app.go({ screen: 'library' })} data-testid="back">{t('item.back')}</button>
        <h1 data-testid="item-name">{d.summary.name}</h1>
      </div>
      <div className="item-body">
        <div className="item-media"><Viewer d={d} /></div>
        <div className="item-info">
          {(d.metadataError || d.warnings.length > 0) && (
            <div className="warnings" data-testid="warnings">
              {d.metadataError && <p>{t('item.metadataError', { reason: d.metadataError })}</p>}
              {d.warnings.map((w) => <p key={w}>{w}</p>)}
            </div>
          )}
          <GpsMismatchFlag itemId={id} version={d} />
          <h2>{t('item.metadata')}</h2>
          <MetadataTable d={d} />
          {d.credentials && <CredentialsPanel report={d.credentials} />}
          {d.links && (
            <>
              <h2>{t('item.text.heading')}</h2>
              <ItemText key={id} itemId={id} description={d.links.description} notes={d.links.notes} onSaved={load} />
              <h2>{t('item.tags')}</h2>
              <ItemTagEditor itemId={id} links={d.links} onChanged={() => void load()} />
            </>
          )}
          {(d.summary.kind === 'image' || d.summary.kind === 'video') && (
            <>
              <h2>{t('item.redact.heading')}</h2>
              <RegionEditor key={id} d={d} />
            </>
          )}
          <LastCheckLine check={d.lastCheck ?? null} finding={lastCheckFinding(d)} />
          <h2>{t('item.digests')}</h2>
          <table className="digests" data-testid="digests">
            <tbody>
              {Object.entries(d.digests).map(([alg, v]) => (
                <tr key={alg}><th>{alg.toUpperCase()}</th><td className="mono" data-testid={`digest-${alg}`}>{v}</td><td><CopyButton text={v} /></td></tr>
              ))}
            </tbody>
          </table>
          <h2>{t('item.sightings')}</h2>
          <table className="sightings" data-testid="sightings">
            <thead><tr><th>{t('item.sighting.path')}</th><th>{t('item.sighting.reel')}</th><th>{t('item.sighting.modified')}</th><th>{t('item.sighting.by')}</th><th>{t('item.sighting.at')}</th></tr></thead>
            <tbody>
              {d.sightings.map((s) => (
                <tr key={s.id}><td className="path">{s.path}</td><td data-testid="sighting-reel">{s.reel ?? '—'}</td><td>{s.mtime ? formatInstant(s.mtime, lng) : ''}</td><td>{t('item.sighting.who', { operator: s.operator, host: s.host })}</td><td>{formatInstant(s.ingestedAt, lng)}</td></tr>
              ))}
            </tbody>
          </table>
          <h2>{t('item.custody')}</h2>
          <ol className="timeline" data-testid="custody">
            {d.custody.map((e) => <CustodyEntry key={e.seq} e={e} />)}
          </ol>
          <details className="raw">
            <summary>{t('item.raw')}</summary>
            <pre data-testid="raw">{JSON.stringify(d.raw, null, 2)}</pre>
          </details>
        </div>
      </div>
      {d.summary.kind === 'video' && d.record.durationSec ? <ContactSheet id={d.summary.id} name={d.summary.name} /> : null}
    </div>
  );
}
