// C2PA Content Credentials on the Item screen and in the Library (issue 14 §3): who signed, when,
// with what tool, what was done, and the verdict with its codes explained, in the reader's
// language. The report is the one core/c2pa made (common/c2pa.ts CredentialReport).
import { useTranslation } from 'react-i18next';
import { CREDENTIAL_CODE_WORDS, type CredentialReport, type CredentialVerdict } from '../../../electron/common/c2pa.ts';
import { formatInstant } from '../format.ts';

/** i18next reads "." as nesting: codes and action names are looked up with "_" in their place. */
const flat = (s: string) => s.replaceAll('.', '_');

/** The Item screen's Content Credentials section; nothing for an item never checked. */
export function CredentialsPanel({ report }: { report: Record<string, unknown> }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const r = report as unknown as CredentialReport;
  const present = r.verdict !== 'absent' || r.error;
  const rows: [string, string | null][] = present ? [
    ['credentials.signedBy', r.signer ? `${r.signer.issuer} (${r.signer.subject})` : null],
    ['credentials.issuedBy', r.signer?.issuerDn ?? null],
    ['credentials.signedAt', r.signedAt ? formatInstant(r.signedAt, lng) : t('credentials.noTime')],
    ['credentials.madeWith', r.claimGenerator],
    ['credentials.actions', r.actions.length ? r.actions.map((a) => {
      const words = t(`credentials.action.${flat(a.action)}`, { defaultValue: a.action });
      const extra = [a.name, a.description, a.softwareAgent].filter(Boolean).join(', ');
      return extra ? `${words} (${extra})` : words;
    }).join('; ') : null],
    ['credentials.ingredients', r.ingredients.length ? r.ingredients.map((g) => `${g.title ?? '?'} (${[g.relationship, t(g.hasManifest ? 'credentials.ingredientOwn' : 'credentials.ingredientNone')].filter(Boolean).join(', ')})`).join('; ') : null],
  ] : [];
  const trust = r.validator.trustList.anchors.length ? t('credentials.trustAnchors', { count: r.validator.trustList.anchors.length }) : t('credentials.trustNone');
  return (
    <section className={`credentials verdict-${r.verdict}`} data-testid="credentials" data-verdict={r.verdict}>
      <h2>{t('credentials.heading')}</h2>
      <p className="verdict" data-testid="credentials-verdict"><strong>{t(`credentials.verdict.${r.verdict}`)}</strong></p>
      {r.codes.length > 0 && (
        <ul className="codes" data-testid="credentials-codes">
          {r.codes.map((c) => <li key={c}><code>{c}</code> {t(`credentials.code.${flat(c)}`, { defaultValue: CREDENTIAL_CODE_WORDS[c] ?? c })}</li>)}
        </ul>
      )}
      <dl className="facts">
        {rows.filter(([, v]) => v).map(([k, v]) => [<dt key={`${k}-t`}>{t(k)}</dt>, <dd key={`${k}-d`}>{v}</dd>])}
        <dt>{t('credentials.trustList')}</dt><dd>{trust}</dd>
        <dt>{t('credentials.validated')}</dt><dd>{t('credentials.validatedBy', { at: formatInstant(r.validator.validatedAt, lng), library: `${r.validator.library} ${r.validator.version}` })}</dd>
      </dl>
    </section>
  );
}

/** A small mark on a Library tile or row for an item that carries Content Credentials. */
export function CredentialBadge({ verdict }: { verdict: CredentialVerdict | undefined }) {
  const { t } = useTranslation();
  if (!verdict || verdict === 'absent') return null;
  return <span className={`cr-badge verdict-${verdict}`} title={t(`credentials.verdict.${verdict}`)} data-testid="credentials-badge" data-verdict={verdict}>{t('credentials.badge')}</span>;
}
