import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BridgeError, call } from '../bridge.ts';
import { PassphraseDialog } from '../components/PassphraseDialog.tsx';
import { PathField } from '../components/PathField.tsx';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

/** Create or open an archive folder; recent archives; the operator's name for the custody log. */
export function ArchivesScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [dir, setDir] = useState('');
  const [operator, setOperator] = useState(app.settings.operator);
  const [busy, setBusy] = useState(false);
  /** The encrypted archive whose catalog passphrase is being asked (CATALOG_LOCKED). */
  const [locked, setLocked] = useState<string | null>(null);

  const opened = async (info: Awaited<ReturnType<typeof call<'archive.open'>>>) => {
    app.setArchive(info);
    app.setSettings(await call('settings.get', {}));
    app.clearError();
    app.go({ screen: info.itemCount ? 'library' : 'import' });
  };
  const open = async (path: string, create: boolean) => {
    if (!path.trim()) return;
    setBusy(true);
    try {
      await opened(await call('archive.open', { dir: path.trim(), create }));
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'CATALOG_LOCKED') setLocked(path.trim());
      else app.report(e);
    } finally {
      setBusy(false);
    }
  };
  // The passphrase goes to the service once and is not kept here; a wrong one keeps the dialog open.
  const unlock = async (passphrase: string) => {
    const info = await call('archive.open', { dir: locked!, create: false, passphrase });
    setLocked(null);
    await opened(info);
  };
  const saveOperator = async () => {
    try {
      app.setSettings(await call('settings.set', { operator }));
    } catch (e) {
      app.report(e);
    }
  };

  return (
    <div className="archives">
      <h1>{t('archives.title')}</h1>
      {app.archive && <p data-testid="archive-open">{t('archives.current', { name: app.archive.name, count: app.archive.itemCount, n: formatNumber(app.archive.itemCount, i18n.language) })}</p>}
      <section className="card">
        <PathField label={t('archives.folder')} value={dir} onChange={setDir} purpose="archive" testId="archive-dir" />
        <div className="row">
          <button type="button" disabled={busy || !dir.trim()} onClick={() => void open(dir, true)} data-testid="archive-create">{t('archives.create')}</button>
          <button type="button" disabled={busy || !dir.trim()} onClick={() => void open(dir, false)} data-testid="archive-open-button">{t('archives.open')}</button>
        </div>
        <p className="hint">{t('archives.hint')}</p>
      </section>
      <section className="card">
        <h2>{t('archives.recent')}</h2>
        {app.settings.recent.length === 0 ? <p className="hint">{t('archives.noRecent')}</p> : (
          <ul className="recent" data-testid="recent">
            {app.settings.recent.map((r) => (
              <li key={r}><button type="button" className="link" disabled={busy} onClick={() => void open(r, false)}>{r}</button></li>
            ))}
          </ul>
        )}
      </section>
      {locked && (
        <PassphraseDialog keyName={locked} title={t('archives.lockedTitle')} purpose={t('archives.lockedPurpose', { dir: locked })}
          wrongText={t('archives.lockedWrong')} submitLabel={t('archives.open')} onSubmit={unlock} onCancel={() => setLocked(null)} />
      )}
      <section className="card">
        <h2>{t('archives.operator')}</h2>
        <p className="hint">{t('archives.operatorHint')}</p>
        <div className="row">
          <input type="text" value={operator} onChange={(e) => setOperator(e.target.value)} data-testid="operator" aria-label={t('archives.operator')} />
          <button type="button" onClick={() => void saveOperator()} disabled={operator === app.settings.operator} data-testid="operator-save">{t('common.save')}</button>
        </div>
      </section>
    </div>
  );
}
