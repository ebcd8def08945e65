// C2PA Content Credentials on the Item screen and in the Library (issue 14 §3): who signed, when,
// with what tool, what was done, and the verdict with its codes explained, in the reader's
// language. The report is the one core/c2pa made (common/c2pa.ts CredentialReport).
import { useTranslation } from 'react-i18next';
import { CREDENTIAL_CODE_WORDS, type CredentialReport, type CredentialVerdict } from '../../../electron/common/c2pa.ts';
import { formatInstant } from '../format.ts';

/** i18next reads "." as nesting: codes and action names are looked up with "_" in their place. */
const flat = (s: string) => s.replaceAll('.', '_');

/** "(as the altered manifest claims; not verified)": after a fact read from invalid credentials. */
function ClaimCaveat() {
  const { t } = useTranslation();
  return <span className="claim-caveat" data-testid="claim-caveat">({t('credentials.unverifiedClaim')})</span>;
}

/** The Item screen's Content Credentials section; nothing for an item never checked. */
export function CredentialsPanel({ report }: { report: Record<string, unknown> }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const r = report as unknown as CredentialReport;
  const present = r.verdict !== 'absent' || r.error;
  // Invalid credentials: what the manifest says (signer, time, tool, actions, ingredients) may be
  // what someone altered it to say; each such fact carries the caveat, as the CLI's `show` does.
  const claimed = r.verdict === 'invalid';
  // [label key, value, true when the value is read from the manifest (not our own words)]
  const rows: [string, string | null, boolean][] = present ? [
    ['credentials.signedBy', r.signer ? `${r.signer.issuer} (${r.signer.subject})` : null, true],
    ['credentials.issuedBy', r.signer?.issuerDn ?? null, true],
    ['credentials.signedAt', r.signedAt ? formatInstant(r.signedAt, lng) : t('credentials.noTime'), Boolean(r.signedAt)],
    ['credentials.madeWith', r.claimGenerator, true],
    ['credentials.actions', r.actions.length ? r.actions.map((a) => {
      const words = t(`credentials.action.${flat(a.action)}`, { defaultValue: a.action });
      const extra = [a.name, a.description, a.softwareAgent].filter(Boolean).join(', ');
      return extra ? `${words} (${extra})` : words;
    }).join('; ') : null, true],
    ['credentials.ingredients', r.ingredients.length ? r.ingredients.map((g) => `${g.title ?? '?'} (${[g.relationship, t(g.hasManifest ? 'credentials.ingredientOwn' : 'credentials.ingredientNone')].filter(Boolean).join(', ')})`).join('; ') : null, true],
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
        {rows.filter(([, v]) => v).map(([k, v, fromManifest]) => [
          <dt key={`${k}-t`}>{t(k)}</dt>,
          <dd key={`${k}-d`} data-field={k.slice('credentials.'.length)}>{v}{claimed && fromManifest && <> <ClaimCaveat /></>}</dd>,
        ])}
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
