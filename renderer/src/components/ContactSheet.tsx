// The contact sheet of a clip on the Item screen (derivatives/filmstrip.ts): frames across the
// clip with their timecodes, in one picture, made once in the archive service and kept under
// derivatives/ (an export's custody report can carry it too).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, mediaUrl } from '../bridge.ts';

export function ContactSheet({ id, name }: { id: number; name: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'making' | 'ready' | 'failed'>('making');
  const [why, setWhy] = useState('');
  useEffect(() => {
    let live = true;
    setState('making');
    call('items.contactSheet', { id }).then(() => live && setState('ready'), (e: unknown) => {
      if (!live) return;
      setWhy(e instanceof Error ? e.message : String(e));
      setState('failed');
    });
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <section className="contact-sheet" data-testid="contact-sheet" data-state={state}>
      <h2>{t('item.contactSheet')}</h2>
      {state === 'making' && <p className="muted">{t('item.contactSheetMaking')}</p>}
      {state === 'failed' && <p className="error">{t('item.contactSheetFailed', { reason: why })}</p>}
      {state === 'ready' && <img src={mediaUrl('sheet', id)} alt={t('item.contactSheetAlt', { name })} data-testid="contact-sheet-image" />}
    </section>
  );
}
