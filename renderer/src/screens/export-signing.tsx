// The Export screen's court-ready part (issue 12): which key signs the set (or that none exists,
// and the explicit choice to export unsigned), the time-stamping authorities, the custody
// report's language; and, after the export, who signed, the seal and each TSA's answer.
import { useTranslation } from 'react-i18next';
import { TsaUrlSchema, type ChannelOutput, type KeyInfoDto, type Language } from '../../../electron/common/ipc.ts';
import { LANGUAGES } from '../i18n/index.ts';
import { useApp } from '../state.tsx';

type ExportReport = Extract<NonNullable<ChannelOutput<'jobs.list'>[number]['result']>, { kind: 'export' }>['report'];

/** An example TSA address (a public one), the same in every language. */
const TSA_EXAMPLE = 'https://freetsa.org/tsr';

/** The TSA URLs typed one per line (blank lines dropped), and the lines that are not a TSA URL. */
export function parseTsaLines(text: string): { urls: string[]; bad: string[] } {
  const lines = text.split(/\r?\n/u).map((l) => l.trim()).filter(Boolean);
  const bad = lines.filter((l) => !TsaUrlSchema.safeParse(l).success);
  return { urls: [...new Set(lines.filter((l) => !bad.includes(l)))], bad };
}

export interface SigningState {
  keys: KeyInfoDto[] | null;
  keyName: string;
  unsigned: boolean;
  tsaText: string;
  lang: Language;
}

/**
 * The signing fieldset: the key that will sign (its name and fingerprint; a choice when there are
 * several), or that there is none with a link to the Keys screen; "export unsigned" with the
 * CLI's warning; TSA URLs one per line; the custody report's language.
 */
export function SigningFields({ state, onChange }: { state: SigningState; onChange(patch: Partial<SigningState>): void }) {
  const { t } = useTranslation();
  const app = useApp();
  const { keys, keyName, unsigned, tsaText, lang } = state;
  const key = keys?.find((k) => k.name === keyName) ?? null;
  const { bad } = parseTsaLines(tsaText);
  return (
    <fieldset className="signing set-kind" data-testid="signing">
      <legend>{t('export.signing.title')}</legend>
      {keys && keys.length === 0 && (
        <div className="sub" data-testid="no-signing-key">
          <p className="warning">{t('export.signing.noKey')}</p>
          <button type="button" className="link" onClick={() => app.go({ screen: 'keys' })} data-testid="go-keys">{t('export.signing.toKeys')}</button>
        </div>
      )}
      {keys && keys.length > 0 && (
        <div className={unsigned ? 'sub off' : 'sub'}>
          {keys.length > 1 && (
            <label className="field"><span>{t('export.signing.key')}</span>
              <select value={keyName} onChange={(e) => onChange({ keyName: e.target.value })} disabled={unsigned} data-testid="signing-key">
                {keys.map((k) => <option key={k.name} value={k.name}>{k.name}</option>)}
              </select>
            </label>
          )}
          {key && (
            <p data-testid="signing-with">
              {t('export.signing.signsAs', { name: key.name })} <span className="mono" data-testid="signing-fingerprint">{key.fingerprint}</span>
            </p>
          )}
        </div>
      )}
      <label><input type="checkbox" checked={unsigned} onChange={(e) => onChange({ unsigned: e.target.checked })} data-testid="export-unsigned" />{t('export.signing.unsigned')}</label>
      {(unsigned || keys?.length === 0) && <p className="warnings sub" role="status" data-testid="unsigned-warning">{t(keys?.length === 0 ? 'export.signing.noKeyWarning' : 'export.signing.unsignedWarning')}</p>}
      <label className="field"><span>{t('export.signing.tsa')}</span>
        <textarea rows={2} value={tsaText} onChange={(e) => onChange({ tsaText: e.target.value })} spellCheck={false} placeholder={TSA_EXAMPLE} data-testid="tsa-urls" />
      </label>
      <p className="hint">{t('export.signing.tsaHint')}</p>
      {bad.length > 0 && <p className="field-error" data-testid="tsa-bad">{t('export.signing.tsaBad', { url: bad[0] })}</p>}
      <label className="field"><span>{t('export.signing.lang')}</span>
        <select value={lang} onChange={(e) => onChange({ lang: e.target.value as Language })} data-testid="report-lang">
          {LANGUAGES.map((l) => <option key={l} value={l}>{t(`languages.${l}`)}</option>)}
        </select>
      </label>
    </fieldset>
  );
}

/** What the export proves: the signer's fingerprint to read out, the seal, each TSA's answer. */
export function CourtReadyFacts({ result }: { result: ExportReport }) {
  const { t } = useTranslation();
  return (
    <div className="court-ready" data-testid="court-ready">
      {result.signer ? (
        <div className="signer">
          <h3>{t('export.signed.by', { name: result.signer.identity })}</h3>
          <p className="mono big" data-testid="export-signer">{result.signer.fingerprint}</p>
          <p className="hint">{t('export.signed.readOut')}</p>
        </div>
      ) : <p className="warnings" data-testid="export-unsigned-result">{t('export.signed.unsigned')}</p>}
      <dl className="facts">
        <dt>{t('export.signed.seal')}</dt>
        <dd data-testid="export-seal">{result.seal ? t('export.signed.sealedAt', { seq: result.seal.seq }) : t('export.signed.notSealed')}</dd>
        <dt>{t('export.signed.timestamps')}</dt>
        <dd>
          {result.timestamps.length === 0 ? <span data-testid="export-no-timestamp">{t('export.signed.noTimestamp')}</span> : (
            <ul className="checks" data-testid="export-timestamps">
              {result.timestamps.map((ts) => (
                <li key={ts.url} className={ts.ok ? 'ok' : 'fail'} data-testid="export-timestamp" data-ok={ts.ok}>
                  <span className="mark" aria-hidden="true">{ts.ok ? '✓' : '✗'}</span>
                  <span className="line">
                    <span className="path">{ts.url}</span>{' '}
                    {ts.ok ? t('export.signed.timestampOk', { time: ts.genTime ?? '' }) : t('export.signed.timestampFailed', { reason: ts.error ?? '' })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {result.timestamps.some((ts) => !ts.ok) && <p className="hint">{t('export.signed.timestampLater', { id: result.exportId })}</p>}
    </div>
  );
}
