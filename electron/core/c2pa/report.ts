// The validation report of a C2PA manifest store (issue 14 §3): the library's findings (read.ts)
// plus our trust decision (trust.ts), reduced to one verdict. Sync and pure: runs inside the
// catalog transaction that records it.
import { createHash, X509Certificate } from 'node:crypto';
import type { CredentialReport, CredentialSigner, CredentialStatus, CredentialVerdict } from '../../common/c2pa.ts';
import { C2PA_LIBRARY, type C2paScan } from './read.ts';
import { certSha256, chainsToAnchor, oneLineDn, trustListUsed, type TrustAnchor } from './trust.ts';

/** Codes that record a trust decision, not a defect of the credentials: they never make a verdict `invalid`. */
const TRUST_CODES = new Set(['signingCredential.trusted', 'signingCredential.untrusted']);

const NOTES = [
  'Chain of trust: checked by Evidence Archive against the trust anchors configured in this archive (the library does not validate chains of trust); revocation (OCSP/CRL) is not checked.',
  'The library\'s "signingCredential.trusted" entry, which only says the certificate has the C2PA profile (key usage, validity at signing time), is replaced by that decision.',
];

function dnPart(dn: string, key: string): string | null {
  for (const line of dn.split('\n')) if (line.startsWith(`${key}=`)) return line.slice(key.length + 1);
  return null;
}

/** The signer as the report names it (c2patool's `signature_info.issuer` is the subject's O, else CN). Null for DER that does not parse. */
export function signerOf(chain: readonly Uint8Array[], algorithm: string | null): CredentialSigner | null {
  if (!chain.length) return null;
  try {
    const [first, ...rest] = chain.map((d) => new X509Certificate(Buffer.from(d)));
    const c = first!;
    const organization = dnPart(c.subject, 'O');
    const commonName = dnPart(c.subject, 'CN');
    return {
      subject: oneLineDn(c.subject), issuerDn: oneLineDn(c.issuer), issuer: organization ?? commonName ?? oneLineDn(c.subject),
      commonName, organization, serialNumber: BigInt(`0x${c.serialNumber}`).toString(10), sha256: certSha256(c),
      validFrom: new Date(c.validFrom).toISOString(), validTo: new Date(c.validTo).toISOString(), algorithm, chain: rest.map((x) => oneLineDn(x.subject)),
    };
  } catch {
    return null;
  }
}

/**
 * The report on `scan` with the trust list `anchors`, validated at `validatedAt` (ISO 8601).
 * Verdict: `absent` without a store; `invalid` when any failure code remains once trust codes are
 * set aside (an unreadable store gives `general.error` unless the library named a code);
 * otherwise `valid-trusted` when the signer chains to an anchor (chainsToAnchor), else
 * `valid-untrusted`. `codes` lists the failure codes, de-duplicated, in the library's order.
 */
export function credentialReport(scan: C2paScan, anchors: readonly TrustAnchor[], validatedAt: string): CredentialReport {
  const validator = { library: C2PA_LIBRARY.name, version: C2PA_LIBRARY.version, trustList: trustListUsed(anchors), validatedAt, notes: NOTES };
  const f = scan.facts;
  const base = {
    container: scan.container, activeManifest: f?.activeManifest ?? null, manifests: f?.manifests ?? 0, claimGenerator: f?.claimGenerator ?? null,
    title: f?.title ?? null, format: f?.format ?? null, instanceId: f?.instanceId ?? null, signer: signerOf(scan.chain, f?.algorithm ?? null),
    signedAt: f?.signedAt ?? null, ingredients: f?.ingredients ?? [], actions: f?.actions ?? [],
    storeSha256: scan.store ? createHash('sha256').update(scan.store).digest('hex') : null, storeBytes: scan.store?.length ?? null,
    error: scan.error, validator,
  };
  if (!scan.store && !scan.error) return { ...base, verdict: 'absent', codes: [], trust: null, statuses: [] };
  const statuses: CredentialStatus[] = scan.statuses.filter((s) => !(s.success && TRUST_CODES.has(s.code)));
  let trust: string | null = null;
  if (scan.chain.length) {
    const trusted = chainsToAnchor(scan.chain, anchors);
    trust = trusted ? 'signingCredential.trusted' : 'signingCredential.untrusted';
    statuses.push({
      code: trust, success: trusted, url: statuses.find((s) => s.code.startsWith('claimSignature.'))?.url ?? '',
      explanation: trusted ? 'signer chains to a configured trust anchor' : anchors.length ? 'signer chains to none of the configured trust anchors' : 'no trust anchors configured',
    });
  }
  const codes = [...new Set(statuses.filter((s) => !s.success && !TRUST_CODES.has(s.code)).map((s) => s.code))];
  if (scan.error && !codes.length) codes.push('general.error');
  const verdict: CredentialVerdict = codes.length ? 'invalid' : trust === 'signingCredential.trusted' ? 'valid-trusted' : 'valid-untrusted';
  return { ...base, verdict, codes, trust, statuses };
}
