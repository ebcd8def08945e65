// One tile of the Library grid: the preview (a scrub strip under the pointer for a clip that has
// one), its duration, small badges (GPS, tagged, Content Credentials, failed fixity, incomplete
// card), and under it the name shortened in its middle, the capture time and the camera.
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { mediaUrl } from '../bridge.ts';
import { formatDuration } from '../format.ts';
import { fitMiddle, formatCaptureShort } from '../library-format.ts';

/** The caption's name font (styles.css .tile-caption .name), for measuring what fits. */
const NAME_FONT = '13px system-ui, "Segoe UI", "Noto Sans", sans-serif';
import { Thumb } from './Thumb.tsx';

/** Frames in a scrub strip: electron/core/derivatives/filmstrip.ts STRIP_FRAMES. */
export const STRIP_FRAMES = 10;

/** The badges of an item, as [class, word] pairs; the words are the tooltips and screen-reader text. */
export function badgesOf(it: ItemSummary, t: (k: string) => string): { key: string; label: string; text: string }[] {
  const out: { key: string; label: string; text: string }[] = [];
  if (it.fixityFailed) out.push({ key: 'fixity', label: '!', text: t('library.badge.fixityFailed') });
  if (it.incompleteCard) out.push({ key: 'incomplete', label: '◐', text: t('library.badge.incomplete') });
  if (it.credentials && it.credentials !== 'absent') out.push({ key: `c2pa c2pa-${it.credentials}`, label: 'CR', text: t(`credentials.verdict.${it.credentials}`) });
  if (it.hasGps) out.push({ key: 'gps', label: 'GPS', text: t('library.badge.gps') });
  if (it.tagged) out.push({ key: 'tagged', label: '#', text: t('library.badge.tagged') });
  return out;
}

/** The badges of an item as small labels; `inline` in a list row, else over a tile's preview. */
export function Badges({ it, inline }: { it: ItemSummary; inline?: boolean }) {
  const { t } = useTranslation();
  const badges = badgesOf(it, t);
  if (!badges.length) return null;
  return (
    <span className={inline ? 'badges inline' : 'badges'}>
      {badges.map((b) => {
        const c2pa = b.key.startsWith('c2pa');
        return (
          <span key={b.key} className={`badge ${b.key}`} title={b.text} aria-label={b.text}
            data-testid={c2pa ? 'credentials-badge' : `badge-${b.key}`} data-verdict={c2pa ? it.credentials : undefined}>{b.label}</span>
        );
      })}
    </span>
  );
}

/**
 * The tile of `it` at view position `index`, `size` px wide. Memoized: the browser passes
 * callbacks that never change (they take the index or id), so a tile is redrawn only when its
 * item, size, selection or cursor changes, not on every scroll frame or page arrival.
 */
export const Tile = memo(function Tile(props: {
  it: ItemSummary; index: number; size: number; selected: boolean; cursor: boolean;
  onToggle(index: number, shift: boolean): void; onOpen(id: number): void; onFocus(index: number): void;
}) {
  const { it, index, size, selected, cursor } = props;
  const open = () => props.onOpen(it.id);
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [frame, setFrame] = useState<number | null>(null);
  const imgH = Math.round((size * 9) / 16);
  // The caption row: the tile's 1 px borders, 6 px padding each side, and 4 px to spare for the
  // measure's rounding (the checkbox sits over the preview's corner, not beside the name).
  const nameWidth = size - 2 - 12 - 4;
  const scrub = (e: React.MouseEvent<HTMLElement>) => {
    if (!it.strip) return;
    const r = e.currentTarget.getBoundingClientRect();
    setFrame(Math.min(STRIP_FRAMES - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * STRIP_FRAMES))));
  };
  return (
    <div className={`tile${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`} style={{ width: size }} data-testid="item-tile" data-item-id={it.id} role="gridcell"
      onMouseDown={() => props.onFocus(index)}>
      <button type="button" className="tile-image" style={{ height: imgH }} onClick={open} aria-label={t('library.open', { name: it.name })}
        onMouseMove={scrub} onMouseLeave={() => setFrame(null)} tabIndex={-1}>
        <Thumb item={it} />
        {frame !== null && (
          <span className="scrub" data-testid="scrub" data-frame={frame}>
            <img src={mediaUrl('strip', it.id)} alt="" draggable={false} style={{ width: `${STRIP_FRAMES * 100}%`, transform: `translateX(-${(frame * 100) / STRIP_FRAMES}%)` }} />
            <span className="scrub-bar" style={{ width: `${((frame + 1) * 100) / STRIP_FRAMES}%` }} />
          </span>
        )}
        <Badges it={it} />
        {it.durationSec != null && (it.kind === 'video' || it.kind === 'audio') && (
          <span className="duration" data-testid="tile-duration">
            {/* While scrubbing: where in the clip the frame shown lies (the middle of its tenth, filmstrip.ts frameTimes). */}
            {frame !== null ? `${formatDuration((it.durationSec * (frame + 0.5)) / STRIP_FRAMES, lng)} / ` : ''}{formatDuration(it.durationSec, lng)}
          </span>
        )}
      </button>
      <span className="tile-check">
        <input type="checkbox" checked={selected} aria-label={t('library.select', { name: it.name })} tabIndex={-1}
          onChange={() => {}} onClick={(e) => props.onToggle(index, e.shiftKey)} data-testid={`select-${it.id}`} />
      </span>
      <div className="tile-caption">
        <button type="button" className="link name" onClick={open} title={it.name} tabIndex={-1} data-testid="tile-name">{fitMiddle(it.name, nameWidth, NAME_FONT)}</button>
      </div>
      <div className="tile-meta">
        <span className="date" data-testid="tile-date">{formatCaptureShort(it.capturedAt, lng) || t('library.noDate')}</span>
        {size >= 150 && it.camera && <span className="camera" title={it.camera} data-testid="tile-camera">{it.camera}</span>}
      </div>
    </div>
  );
});
