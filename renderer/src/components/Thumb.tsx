import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../electron/common/ipc.ts';
import { mediaUrl } from '../bridge.ts';

/** An item's thumbnail, or its kind as a word when it has none (audio, documents, not yet made). */
export function Thumb({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  if (!item.thumb || failed) return <div className={`thumb placeholder kind-${item.kind}`}>{t(`kinds.${item.kind}`)}</div>;
  return <img className="thumb" src={mediaUrl('thumb', item.id)} alt={item.name} loading="lazy" decoding="async" onError={() => setFailed(true)} draggable={false} />;
}
