// Space in the Library: the item large over the grid (a photo, a playing clip, a recording),
// its name, capture time, camera and size; Space or Escape closes, the arrows move on.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { mediaUrl } from '../bridge.ts';
import { formatBytes, formatDuration } from '../format.ts';
import { formatCaptureShort, formatResolution } from '../library-format.ts';

// Image types Chromium draws itself; others (HEIC, TIFF, RAW) are shown through their preview.
const WEB_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

export function QuickLook({ it, onClose, onStep }: { it: ItemSummary; onClose(): void; onStep(delta: number): void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus({ preventScroll: true }), []);
  let body: React.ReactNode;
  if (it.kind === 'video') body = <video src={mediaUrl('original', it.id)} poster={it.thumb ? mediaUrl('thumb', it.id) : undefined} controls autoPlay muted data-testid="quicklook-video" />;
  else if (it.kind === 'audio') body = <audio src={mediaUrl('original', it.id)} controls autoPlay data-testid="quicklook-audio" />;
  else if (it.kind === 'image' && it.mime && WEB_IMAGES.has(it.mime)) body = <img src={mediaUrl('original', it.id)} alt={it.name} data-testid="quicklook-image" />;
  else if (it.thumb) body = <img src={mediaUrl('thumb', it.id)} alt={it.name} data-testid="quicklook-image" />;
  else body = <p className="none">{t('library.noPreview')}</p>;
  const facts = [formatCaptureShort(it.capturedAt, lng), it.durationSec != null ? formatDuration(it.durationSec, lng) : '', formatResolution(it.width, it.height), it.camera ?? '', formatBytes(it.bytes, lng)].filter(Boolean);
  return (
    <div className="quicklook" role="dialog" aria-modal="true" aria-label={t('library.quickLook', { name: it.name })} data-testid="quicklook" data-item-id={it.id}
      onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}
      onKeyDown={(e) => {
        const handled = e.key === ' ' || e.key === 'Escape' || e.key === 'ArrowLeft' || e.key === 'ArrowRight';
        if (e.key === ' ' || e.key === 'Escape') onClose();
        else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') onStep(e.key === 'ArrowLeft' ? -1 : 1);
        if (handled) e.preventDefault();
      }}>
      <div className="quicklook-body">{body}</div>
      <div className="quicklook-caption">
        <strong>{it.name}</strong> <span>{facts.join(' · ')}</span>
        <button ref={closeRef} type="button" onClick={onClose} data-testid="quicklook-close">{t('library.close')}</button>
      </div>
    </div>
  );
}
