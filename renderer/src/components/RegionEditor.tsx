// Boxes to blur on an item's redacted copy, for what the face detector misses (a face in profile,
// a licence plate, a name on a door): drawn by dragging on the item's picture (a video's poster,
// with the seconds they apply to), saved in the catalog, and used by every later redaction. Also
// "Make redacted copy" and the list of copies made. Boxes are kept in pixels of the upright
// picture (the size the core reports), whatever size the picture is shown at.
import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput, ItemDetail, RegionDto } from '../../../electron/common/ipc.ts';
import { call, mediaUrl } from '../bridge.ts';
import { formatBytes, formatInstant } from '../format.ts';
import { useApp } from '../state.tsx';

type Copies = ChannelOutput<'redact.copies'>;
interface Drag { x0: number; y0: number; x1: number; y1: number }

/** Where a pointer is inside `el`, as fractions 0–1 of its width and height. */
function fraction(el: HTMLElement, e: PointerEvent): { x: number; y: number } {
  const r = el.getBoundingClientRect();
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) };
}

/** The redaction section of the Item screen for a photo or video item. */
export function RegionEditor({ d }: { d: ItemDetail }) {
  const { t, i18n } = useTranslation();
  const { report } = useApp();
  const id = d.summary.id;
  const isVideo = d.summary.kind === 'video';
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [saved, setSaved] = useState<RegionDto[]>([]);
  const [regions, setRegions] = useState<RegionDto[]>([]);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [fromSec, setFromSec] = useState('');
  const [toSec, setToSec] = useState('');
  const [busy, setBusy] = useState(false);
  const [blurFaces, setBlurFaces] = useState(true);
  const [copies, setCopies] = useState<Copies>([]);
  const surface = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      const r = await call('redact.regions', { id });
      setSize(r.size);
      setSaved(r.regions);
      setRegions(r.regions);
      setCopies(await call('redact.copies', { id }));
    } catch (e) {
      report(e);
    }
  }, [id, report]);
  useEffect(() => {
    void load();
  }, [load]);

  const dirty = JSON.stringify(saved) !== JSON.stringify(regions);
  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!size || !surface.current || e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const p = fraction(surface.current, e);
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag || !surface.current) return;
    const p = fraction(surface.current, e);
    setDrag({ ...drag, x1: p.x, y1: p.y });
  };
  const onUp = () => {
    if (!drag || !size) return;
    setDrag(null);
    const x = Math.round(Math.min(drag.x0, drag.x1) * size.width);
    const y = Math.round(Math.min(drag.y0, drag.y1) * size.height);
    const w = Math.round(Math.abs(drag.x1 - drag.x0) * size.width);
    const h = Math.round(Math.abs(drag.y1 - drag.y0) * size.height);
    if (w < 4 || h < 4) return; // a click, not a box
    const r: RegionDto = { x, y, w, h };
    if (isVideo && fromSec.trim() !== '' && Number.isFinite(Number(fromSec))) r.fromSec = Number(fromSec);
    if (isVideo && toSec.trim() !== '' && Number.isFinite(Number(toSec))) r.toSec = Number(toSec);
    setRegions([...regions, r]);
  };
  const save = async () => {
    setBusy(true);
    try {
      const r = await call('redact.setRegions', { id, regions });
      setSaved(r.regions);
      setRegions(r.regions);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  const make = async () => {
    setBusy(true);
    try {
      if (dirty) await save();
      await call('redact.make', { id, blurFaces, mode: 'blur', date: 'keep' });
      setCopies(await call('redact.copies', { id }));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  const box = (r: { x: number; y: number; w: number; h: number }) => (size ? { left: pct(r.x, size.width), top: pct(r.y, size.height), width: pct(r.w, size.width), height: pct(r.h, size.height) } : {});
  return (
    <section className="redact" data-testid="redact">
      {!d.summary.thumb || !size ? <p className="hint">{t('item.redact.noPicture')}</p> : (
        <>
          <p className="hint">{t(isVideo ? 'item.redact.hintVideo' : 'item.redact.hint')}</p>
          <div className="region-surface" ref={surface} onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} data-testid="region-surface">
            <img src={mediaUrl('thumb', id)} alt="" draggable={false} />
            {regions.map((r, i) => <div key={i} className="region" style={box(r)} data-testid="region" />)}
            {drag && <div className="region drawing" style={{ left: `${Math.min(drag.x0, drag.x1) * 100}%`, top: `${Math.min(drag.y0, drag.y1) * 100}%`, width: `${Math.abs(drag.x1 - drag.x0) * 100}%`, height: `${Math.abs(drag.y1 - drag.y0) * 100}%` }} />}
          </div>
          {isVideo && (
            <div className="row">
              <label>{t('item.redact.from')} <input type="number" min={0} step="0.1" value={fromSec} onChange={(e) => setFromSec(e.target.value)} data-testid="region-from" /></label>
              <label>{t('item.redact.to')} <input type="number" min={0} step="0.1" value={toSec} onChange={(e) => setToSec(e.target.value)} data-testid="region-to" /></label>
            </div>
          )}
          <ul className="regions" data-testid="region-list">
            {regions.map((r, i) => (
              <li key={i}>
                {t('item.redact.box', { x: r.x, y: r.y, w: r.w, h: r.h })}
                {r.fromSec !== undefined || r.toSec !== undefined ? ` ${t('item.redact.time', { from: r.fromSec ?? 0, to: r.toSec ?? '…' })}` : ''}
                <button type="button" onClick={() => setRegions(regions.filter((_, j) => j !== i))} data-testid="region-remove">{t('item.redact.remove')}</button>
              </li>
            ))}
          </ul>
          <div className="row">
            <button type="button" className="primary" disabled={busy || !dirty} onClick={() => void save()} data-testid="regions-save">{t('item.redact.save')}</button>
          </div>
        </>
      )}
      <div className="row">
        <label><input type="checkbox" checked={blurFaces} onChange={(e) => setBlurFaces(e.target.checked)} data-testid="redact-blur" /> {t('item.redact.blurFaces')}</label>
        <button type="button" disabled={busy} onClick={() => void make()} data-testid="redact-make">{busy ? t('item.redact.making') : t('item.redact.make')}</button>
      </div>
      <ul className="copies" data-testid="redact-copies">
        {copies.map((c) => (
          <li key={c.sha256 + c.createdAt}>
            <span className="mono" title={c.sha256}>{c.sha256.slice(0, 16)}…</span> {c.mime}, {formatBytes(c.bytes, i18n.language)}, {formatInstant(c.createdAt, i18n.language)}
            {c.blurFaces ? ` — ${t('item.redact.blurred', { count: c.blurredBoxes })}` : ` — ${t('item.redact.stripped')}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
