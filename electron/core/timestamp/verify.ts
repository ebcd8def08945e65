// Offline check of a stored RFC 3161 token, as a recipient makes it: no network, trust only in
// the CA certificate the recipient gives, or (weaker, and said so) in the root the bag carries.
import * as pkijs from 'pkijs';
import { TokenProblem } from './errors.ts';
import { certFingerprint, checkEku, checkImprint, checkSignature, dnString, fromPem, isSelfIssued, parseTimeStampResp, pathFor, validateChain, type Imprinted } from './token.ts';

/** The outcome of verifyTimestampToken. */
export interface TokenVerification {
  ok: boolean;
  /** TSTInfo genTime (ISO 8601 UTC), when the token could be read. */
  genTime?: string;
  /** The TSA's name (TSTInfo tsa, else its certificate's subject), when known. */
  tsaName?: string;
  serial?: string;
  policy?: string;
  /** Why it does not hold; absent when ok. */
  reason?: string;
  /**
   * What kind of failure `reason` is, for readers in other languages: a TokenProblem kind
   * (imprint-mismatch, bad-signature, eku, certificate, not-a-response, …), or root-missing,
   * chain-given, chain-bag (the certificate path); `params` names its values.
   */
  code?: string;
  params?: Record<string, string>;
  /**
   * What the TSA certificate chains to: 'given-ca' (the recipient's own CA file), 'bag-chain' (a
   * root carried in the bag's .tsr.crt or in the token: shows the token intact and signed under
   * that root, not that the root is one to trust), or null (no trust anchor, or a failure).
   */
  trustedBy: 'given-ca' | 'bag-chain' | null;
  /** The root the chain ends in: its subject and SHA-256 fingerprint (compare it with the TSA's published one). */
  root?: { subject: string; sha256: string };
  /** A sentence for the user when trustedBy is 'bag-chain'. */
  note?: string;
}

/**
 * Verifies a DER TimeStampResp `tsr` over `data` (the bytes, or their SHA-256) offline: status,
 * message imprint, CMS signature with the ESS-named TSA certificate (RFC 3161 §2.4.2), its
 * extendedKeyUsage critical and timeStamping only (§2.3), and its certificate chain, validated at
 * genTime with pkijs's CertificateChainValidationEngine, to `opts.caPem` (trustedBy 'given-ca')
 * or, without one, to a self-signed root in `opts.chainPem` (in the token when no chainPem is given; trustedBy 'bag-chain',
 * weaker: anyone can make a root, so the recipient should compare its fingerprint with the TSA's).
 * Certificates in chainPem also serve as intermediates. Never throws: every failure, unreadable
 * PEM included, is { ok: false, reason }.
 */
export async function verifyTimestampToken(tsr: Buffer, data: Imprinted, opts: { caPem?: string; chainPem?: string } = {}): Promise<TokenVerification> {
  let known: Pick<TokenVerification, 'genTime' | 'tsaName' | 'serial' | 'policy'> = {};
  try {
    const t = parseTimeStampResp(tsr);
    known = { genTime: t.genTime.toISOString(), serial: t.serial, policy: t.policy, ...(t.tsaName ? { tsaName: t.tsaName } : {}) };
    const chain = opts.chainPem ? fromPem(opts.chainPem, 'the TSA chain (.tsr.crt)') : [];
    const given = opts.caPem !== undefined ? fromPem(opts.caPem, 'the TSA CA file (--tsa-ca)') : null;
    if (given && !given.length) throw new TokenProblem('certificate', 'the TSA CA file (--tsa-ca) holds no certificate (expected PEM "BEGIN CERTIFICATE" blocks)');
    checkImprint(t, data);
    const signer = checkSignature(t, chain);
    known.tsaName ??= dnString(signer.subject);
    checkEku(signer);
    const pool = dedupe([...t.certs, ...chain]);
    let trusted: pkijs.Certificate[];
    let trustedBy: 'given-ca' | 'bag-chain';
    if (given) {
      trusted = given;
      trustedBy = 'given-ca';
    } else {
      // The bag's chain file, when there is one, says which root the bag vouches for (as
      // `openssl ts -verify -CAfile X.tsr.crt` takes it); the token's own root only without one.
      const roots = (opts.chainPem !== undefined ? chain : t.certs).filter(isSelfIssued);
      if (!roots.length) {
        const top = pathFor(signer, pool).at(-1)!;
        const where = opts.chainPem !== undefined ? 'its .tsr.crt file' : 'the token (and there is no .tsr.crt file)';
        return { ok: false, ...known, trustedBy: null, code: 'root-missing', params: { root: dnString(isSelfIssued(top) ? top.subject : top.issuer) }, reason: `the TSA's root certificate (${dnString(isSelfIssued(top) ? top.subject : top.issuer)}) is not in ${where}; give that CA's certificate (--tsa-ca FILE) to verify the token` };
      }
      trusted = roots;
      trustedBy = 'bag-chain';
    }
    const v = await validateChain(signer, pool, trusted, t.genTime);
    if ('error' in v) {
      return { ok: false, ...known, trustedBy: null, code: trustedBy === 'given-ca' ? 'chain-given' : 'chain-bag', params: { error: v.error }, reason: trustedBy === 'given-ca'
        ? `the TSA certificate does not chain to the CA given (--tsa-ca): ${v.error}`
        : `the TSA certificate does not chain to the root the bag carries: ${v.error}` };
    }
    const anchor = v.path[v.path.length - 1] ?? trusted[0]!;
    const root = { subject: dnString(anchor.subject), sha256: certFingerprint(anchor) };
    return {
      ok: true, ...known, trustedBy, root,
      ...(trustedBy === 'bag-chain' ? { note: `trusted by the chain the bag carries (root ${root.subject}, SHA-256 ${root.sha256}): this shows the token is intact and was signed under that root, not that the root belongs to a TSA you trust; compare the fingerprint with the TSA's published one, or verify with --tsa-ca FILE` } : {}),
    };
  } catch (e) {
    if (e instanceof TokenProblem) return { ok: false, ...known, trustedBy: null, code: e.kind, reason: e.reason };
    return { ok: false, ...known, trustedBy: null, code: 'unreadable', params: { error: (e as Error).message }, reason: `the token cannot be checked: ${(e as Error).message}` };
  }
}

function dedupe(certs: pkijs.Certificate[]): pkijs.Certificate[] {
  const out: pkijs.Certificate[] = [];
  for (const c of certs) if (!out.some((x) => x.issuer.isEqual(c.issuer) && x.serialNumber.isEqual(c.serialNumber))) out.push(c);
  return out;
}
