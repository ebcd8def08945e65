import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemDetail } from '../../../electron/common/ipc.ts';
import { call, mediaUrl } from '../bridge.ts';
import { ItemTagEditor } from '../components/TagEditor.tsx';
import { formatBytes, formatCaptured, formatDuration, formatInstant, formatMetres, formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

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

/** One item: viewer, metadata (normalized and raw), digests, sightings, custody, tags. */
export function ItemScreen({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const lng = i18n.language;
  const [d, setD] = useState<ItemDetail | null>(null);
  const load = useCallback(() => {
    call('items.get', { id }).then(setD, app.report);
  }, [id, app.report]);
  useEffect(load, [load, app.dataVersion]);
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
          <h2>{t('item.metadata')}</h2>
          <MetadataTable d={d} />
          {d.links && (
            <>
              <h2>{t('item.tags')}</h2>
              <ItemTagEditor itemId={id} links={d.links} onChanged={load} />
            </>
          )}
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
            <thead><tr><th>{t('item.sighting.path')}</th><th>{t('item.sighting.modified')}</th><th>{t('item.sighting.by')}</th><th>{t('item.sighting.at')}</th></tr></thead>
            <tbody>
              {d.sightings.map((s) => (
                <tr key={s.id}><td className="path">{s.path}</td><td>{s.mtime ? formatInstant(s.mtime, lng) : ''}</td><td>{t('item.sighting.who', { operator: s.operator, host: s.host })}</td><td>{formatInstant(s.ingestedAt, lng)}</td></tr>
              ))}
            </tbody>
          </table>
          <h2>{t('item.custody')}</h2>
          <ol className="timeline" data-testid="custody">
            {d.custody.map((e) => (
              <li key={e.seq}>
                <span className="when">{formatInstant(e.at, lng)}</span>
                <strong>{t(`custody.${e.type}`, { defaultValue: e.type })}</strong>
                <span className="who">{e.actor}</span>
                <span className="outcome">{typeof e.detail.outcome === 'string' ? e.detail.outcome : ''}</span>
                <span className="hash mono" title={e.hash}>{t('item.seq', { seq: e.seq })}</span>
              </li>
            ))}
          </ol>
          <details className="raw">
            <summary>{t('item.raw')}</summary>
            <pre data-testid="raw">{JSON.stringify(d.raw, null, 2)}</pre>
          </details>
        </div>
      </div>
    </div>
  );
}
