// Trust anchors for C2PA signers (issue 14 §3): the user's own list of root (or intermediate)
// certificates, kept in the archive's settings. @trustnxt/c2pa-ts 0.9.4 does not validate a chain
// of trust (its README: "mostly implemented except chain of trust validation"), so this module
// builds the chain itself from the signature's x5chain with node:crypto: each link's issuer name
// must match and its signature must verify with the issuer's public key, until a certificate an
// anchor issued, or an anchor itself, is reached. No revocation (OCSP/CRL) is checked.
import { createHash, X509Certificate } from 'node:crypto';
import type { TrustListUsed } from '../../common/c2pa.ts';

/** One configured trust anchor, as stored in settings `c2pa.trust_anchors` (a JSON array). */
export interface TrustAnchor {
  /** The certificate, PEM. */
  pem: string;
  /** SHA-256 of its DER, hex lowercase. */
  sha256: string;
  /** Subject DN, attributes joined by ", ". */
  subject: string;
  notAfter: string;
  addedAt: string;
  /** The file it was added from (its name only). */
  source: string;
}

/** A DN as node:crypto prints it ("C=US\nO=X") in one line ("C=US, O=X"). */
export const oneLineDn = (dn: string): string => dn.split('\n').filter(Boolean).join(', ');

/** SHA-256 fingerprint of a certificate, hex lowercase without colons. */
export const certSha256 = (c: X509Certificate): string => c.fingerprint256.replaceAll(':', '').toLowerCase();

/**
 * The certificates in PEM text `pem` (every "BEGIN CERTIFICATE" block), as trust anchors named
 * after `source`. Throws Error naming `source` when it holds none, or one that does not parse.
 */
export function parseTrustAnchors(pem: string, source: string, addedAt: string): TrustAnchor[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/gu) ?? [];
  if (!blocks.length) throw new Error(`${source}: no PEM certificate ("-----BEGIN CERTIFICATE-----") in the file`);
  return blocks.map((b, i) => {
    let c: X509Certificate;
    try {
      c = new X509Certificate(b);
    } catch (e) {
      throw new Error(`${source}: certificate ${i + 1} does not parse: ${(e as Error).message}`);
    }
    return { pem: `${b.trim()}\n`, sha256: certSha256(c), subject: oneLineDn(c.subject), notAfter: new Date(c.validTo).toISOString(), addedAt, source };
  });
}

/** How a trust list is named in a report: its anchors' subjects and fingerprints, and one digest over them. */
export function trustListUsed(anchors: readonly TrustAnchor[]): TrustListUsed {
  if (!anchors.length) return { name: 'none configured', anchors: [], sha256: null };
  const prints = anchors.map((a) => a.sha256).sort();
  return {
    name: 'archive trust anchors',
    anchors: anchors.map((a) => ({ subject: a.subject, sha256: a.sha256 })),
    sha256: createHash('sha256').update(prints.join('\n')).digest('hex'),
  };
}

const issuedBy = (child: X509Certificate, parent: X509Certificate): boolean => {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
};

/**
 * True when the signer (chain[0], DER) chains to one of `anchors`: the signer or a certificate
 * the signature carries is an anchor, or was issued (name and signature) by one, following issuer
 * links through the carried certificates. A certificate in the chain is never trusted merely for
 * being self-signed. False for an empty chain or anchors, or certificates that do not parse.
 */
export function chainsToAnchor(chain: readonly Uint8Array[], anchors: readonly TrustAnchor[]): boolean {
  if (!chain.length || !anchors.length) return false;
  let certs: X509Certificate[];
  let roots: X509Certificate[];
  try {
    certs = chain.map((d) => new X509Certificate(Buffer.from(d)));
    roots = anchors.map((a) => new X509Certificate(a.pem));
  } catch {
    return false;
  }
  const anchorPrints = new Set(roots.map(certSha256));
  const visited = new Set<string>();
  let cur: X509Certificate | undefined = certs[0];
  while (cur && !visited.has(certSha256(cur))) {
    const c: X509Certificate = cur;
    if (anchorPrints.has(certSha256(c))) return true;
    if (roots.some((r) => issuedBy(c, r))) return true;
    visited.add(certSha256(c));
    cur = certs.find((p) => !visited.has(certSha256(p)) && issuedBy(c, p));
  }
  return false;
}
