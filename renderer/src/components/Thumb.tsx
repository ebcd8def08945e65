import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { mediaUrl } from '../bridge.ts';

/** The file's type in a word for a placeholder: its extension ("DNG", "PDF"), else its kind. */
const typeWord = (item: ItemSummary) => /\.([A-Za-z0-9]{1,5})$/u.exec(item.name)?.[1]?.toUpperCase();

/** An item's thumbnail, or its type and kind in words when it has none (audio, documents, a RAW file without pixels, not yet made). */
export function Thumb({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  if (!item.thumb || failed) {
    return (
      <div className={`thumb placeholder kind-${item.kind}`} data-testid="thumb-placeholder">
        <span className="type">{typeWord(item) ?? t(`kinds.${item.kind}`)}</span>
        <span className="why">{item.kind === 'image' || item.kind === 'video' ? t('library.noPreview') : t(`kinds.${item.kind}`)}</span>
      </div>
    );
  }
  return <img className="thumb" src={mediaUrl('thumb', item.id)} alt={item.name} loading="lazy" decoding="async" onError={() => setFailed(true)} draggable={false} />;
}
