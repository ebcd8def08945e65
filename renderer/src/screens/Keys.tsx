import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyInfoDto } from '../../../electron/common/ipc.ts';
import { call } from '../bridge.ts';
import { PassphraseDialog } from '../components/PassphraseDialog.tsx';
import { formatNumber } from '../format.ts';
import { useApp } from '../state.tsx';

/** The fewest characters the keystore accepts for a new key's passphrase (core/signing/keystore.ts). */
const MIN_PASSPHRASE = 8;

/** "ABCD 1234 …": an OpenPGP fingerprint in groups of four, as gpg prints it. */
const grouped = (hex: string) => hex.replace(/(.{4})(?=.)/gu, '$1 ');

/**
 * The operator's signing keys: create one (name, passphrase twice), see each key's fingerprint and
 * public key to give to recipients, and check that a passphrase still unlocks a key. Keys belong
 * to the person, not to an archive: this screen needs no open archive.
 */
export function KeysScreen() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const [keys, setKeys] = useState<KeyInfoDto[] | null>(null);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [pass1, setPass1] = useState('');
  const [pass2, setPass2] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<KeyInfoDto | null>(null);
  const [checking, setChecking] = useState<KeyInfoDto | null>(null);
  const [unlocked, setUnlocked] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await call('keys.list', {});
      setKeys(r.keys);
      setDir(r.dir);
    } catch (e) {
      app.report(e);
    }
  }, [app]);
  useEffect(() => {
    void load();
  }, [load]);

  const problem = !pass1 ? null
    : [...pass1].length < MIN_PASSPHRASE ? t('keys.tooShort', { count: MIN_PASSPHRASE, n: formatNumber(MIN_PASSPHRASE, i18n.language) })
    : pass2 && pass1 !== pass2 ? t('keys.mismatch') : null;
  const canCreate = !!name.trim() && [...pass1].length >= MIN_PASSPHRASE && pass1 === pass2 && !busy;

  const create = async () => {
    setBusy(true);
    try {
      const k = await call('keys.create', { name: name.trim(), passphrase: pass1 });
      setCreated(k);
      setName('');
      setPass1('');
      setPass2('');
      app.clearError();
      await load();
    } catch (e) {
      app.report(e);
    } finally {
      setBusy(false);
    }
  };

  const copy = async (text: string, what: string) => {
    try {
      await call('clipboard.write', { text });
      setCopied(what);
    } catch (e) {
      app.report(e);
    }
  };

  return (
    <div className="keys">
      <h1>{t('keys.title')}</h1>
      <p className="hint">{t('keys.intro')}</p>
      {created && (
        <section className="card result" data-testid="key-created">
          <h2>{t('keys.created', { name: created.name })}</h2>
          <p className="hint">{t('keys.readOut')}</p>
          <p className="mono big" data-testid="new-key-fingerprint">{created.fingerprint}</p>
        </section>
      )}
      <section className="card" data-testid="key-list">
        <h2>{t('keys.yourKeys')}</h2>
        {keys && keys.length === 0 && <p className="hint" data-testid="no-keys">{t('keys.none')}</p>}
        {keys?.map((k) => (
          <article key={k.name} className="key" data-testid={`key-${k.name}`}>
            <h3>{k.name}</h3>
            <dl className="facts">
              <dt>{t('keys.fingerprint')}</dt><dd className="mono big" data-testid="key-fingerprint">{k.fingerprint}</dd>
              <dt>{t('keys.publicKey')}</dt>
              <dd className="mono" data-testid="key-public">{k.publicKeyLine}</dd>
              <dt>{t('keys.openPgp')}</dt><dd className="mono">{grouped(k.openPgpFingerprint)}</dd>
              <dt>{t('keys.createdAt')}</dt><dd>{k.createdAt}</dd>
            </dl>
            <div className="row">
              <button type="button" onClick={() => void copy(k.fingerprint, `fp:${k.name}`)} data-testid="copy-fingerprint">{t('keys.copyFingerprint')}</button>
              <button type="button" onClick={() => void copy(`${k.publicKeyLine} ${k.name}`, `pub:${k.name}`)} data-testid="copy-public">{t('keys.copyPublic')}</button>
              <button type="button" onClick={() => { setUnlocked(null); setChecking(k); }} data-testid="check-passphrase">{t('keys.check')}</button>
              {copied?.endsWith(`:${k.name}`) && <span className="hint">{t('common.copied')}</span>}
              {unlocked === k.name && <span data-testid="passphrase-ok">{t('keys.unlocks')}</span>}
            </div>
          </article>
        ))}
        {dir && <p className="hint path" data-testid="keys-dir">{t('keys.folder', { dir })}</p>}
      </section>
      <section className="card">
        <h2>{t('keys.create')}</h2>
        <label className="field"><span>{t('keys.name')}</span>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-testid="key-name" />
        </label>
        <p className="hint">{t('keys.nameHint')}</p>
        <label className="field"><span>{t('keys.passphrase')}</span>
          <input type="password" autoComplete="new-password" value={pass1} onChange={(e) => setPass1(e.target.value)} data-testid="key-pass1" />
        </label>
        <label className="field"><span>{t('keys.passphraseAgain')}</span>
          <input type="password" autoComplete="new-password" value={pass2} onChange={(e) => setPass2(e.target.value)} data-testid="key-pass2" />
        </label>
        {problem && <p className="field-error" data-testid="key-pass-problem">{problem}</p>}
        <p className="hint">{t('keys.passphraseHint')}</p>
        <button type="button" className="primary" disabled={!canCreate} onClick={() => void create()} data-testid="key-create">{t('keys.createButton')}</button>
      </section>
      {checking && (
        <PassphraseDialog keyName={checking.name} fingerprint={checking.fingerprint} purpose={t('keys.checkPurpose')} submitLabel={t('keys.check')}
          onCancel={() => setChecking(null)}
          onSubmit={async (passphrase) => {
            await call('keys.check', { name: checking.name, passphrase });
            setUnlocked(checking.name);
            setChecking(null);
          }} />
      )}
    </div>
  );
}
