import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BridgeError } from '../bridge.ts';

export interface PassphraseDialogProps {
  /** The key to unlock (its name and fingerprint are shown, so the user knows which key signs). */
  keyName: string;
  /** Absent for what has no fingerprint (an encrypted archive's catalog). */
  fingerprint?: string;
  /** The heading, instead of "Passphrase for the key …". */
  title?: string;
  /** What a WRONG_PASSPHRASE answer shows, instead of "it does not unlock this key". */
  wrongText?: string;
  /** Why the passphrase is asked: shown under the title (e.g. "to sign the evidence set"). */
  purpose: string;
  /** The label of the confirming button. */
  submitLabel: string;
  /**
   * Receives the typed passphrase; resolving closes the dialog. A BridgeError WRONG_PASSPHRASE
   * keeps it open with "wrong passphrase"; any other error is shown with its message.
   */
  onSubmit(passphrase: string): Promise<void>;
  onCancel(): void;
}

/**
 * A modal that asks for a signing key's passphrase, for any screen that signs (Keys: check the
 * passphrase; Export: sign the set). Mounted only while it is asked; the passphrase lives in this
 * component's state until then and is handed to `onSubmit`, never stored or logged.
 */
export function PassphraseDialog({ keyName, fingerprint, title, wrongText, purpose, submitLabel, onSubmit, onCancel }: PassphraseDialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!passphrase || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(passphrase);
      setPassphrase('');
    } catch (err) {
      setError(err instanceof BridgeError && err.code === 'WRONG_PASSPHRASE' ? (wrongText ?? t('keys.wrongPassphrase')) : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="passphrase-dialog" data-testid="passphrase-dialog" aria-labelledby="passphrase-title"
      onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <form onSubmit={(e) => void submit(e)} className="card">
        <h2 id="passphrase-title">{title ?? t('keys.passphraseTitle', { name: keyName })}</h2>
        <p className="hint">{purpose}</p>
        {fingerprint !== undefined && <p className="mono" data-testid="passphrase-fingerprint">{fingerprint}</p>}
        <label className="field"><span>{t('keys.passphrase')}</span>
          <input type="password" autoComplete="off" autoFocus value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="passphrase-input" />
        </label>
        {error && <p className="error" role="alert" data-testid="passphrase-error">{error}</p>}
        <div className="row">
          <button type="submit" className="primary" disabled={!passphrase || busy} data-testid="passphrase-submit">{submitLabel}</button>
          <button type="button" onClick={onCancel} data-testid="passphrase-cancel">{t('common.cancel')}</button>
        </div>
      </form>
    </dialog>
  );
}
