// Reading and checking an RFC 3161 TimeStampResp: its status, the TSTInfo it signs, the CMS
// signature (RFC 5652 §5.4–5.6) with the ESS signing-certificate attribute, the TSA certificate's
// extendedKeyUsage and its chain. Shared by the client (request.ts), which checks a fresh reply,
// and the offline verifier (verify.ts), which checks a stored one.
import { createHash, createPublicKey, constants as cryptoConstants, verify as cryptoVerify, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TokenProblem } from './errors.ts';

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** Digest algorithm OIDs to Node hash names. */
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithm OIDs whose hash is implied: RSA PKCS #1 v1.5 and ECDSA. */
const SIG_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** RFC 3161 §2.4.2 PKIFailureInfo bit names. */
const FAIL_INFO: Record<number, string> = {
  0: 'badAlg (unrecognized or unsupported algorithm)',
  2: 'badRequest (transaction not permitted or supported)',
  5: 'badDataFormat (the data submitted has the wrong format)',
  14: "timeNotAvailable (the TSA's time source is not available)",
  15: 'unacceptedPolicy (the requested TSA policy is not supported)',
  16: 'unacceptedExtension (the requested extension is not supported)',
  17: 'addInfoNotAvailable (the additional information requested is not available)',
  25: 'systemFailure (the request cannot be handled due to system failure)',
};

const STATUS_NAMES = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

const DN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.5': 'serialNumber', '2.5.4.97': 'organizationIdentifier', '1.2.840.113549.1.9.1': 'emailAddress',
};

/** pkijs's crypto engine over Node's WebCrypto, passed explicitly so no global setting matters. */
export const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });

const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** A distinguished name as "CN=…, O=…" (in the certificate's order). */
export function dnString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues.map((tv) => {
    const v = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    return `${DN_NAMES[tv.type] ?? tv.type}=${typeof v === 'string' ? v : hex(tv.value.valueBeforeDecodeView)}`;
  }).join(', ');
}

/** The DER of a certificate as it was received. */
export function certDer(cert: pkijs.Certificate): Buffer {
  return Buffer.from(cert.toSchema(false).toBER(false));
}

/** PEM text of certificates (RFC 7468 §5), in order. */
export function toPem(certs: pkijs.Certificate[]): string {
  return certs.map((c) => {
    const b64 = certDer(c).toString('base64').replace(/.{1,64}/gu, '$&\n');
    return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
  }).join('');
}

/**
 * The certificates in PEM text (RFC 7468), in order. Throws TokenProblem('certificate') naming
 * `what` when a block cannot be read; returns [] for text without any certificate block.
 */
export function fromPem(text: string, what: string): pkijs.Certificate[] {
  const out: pkijs.Certificate[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/gu)) {
    try {
      out.push(pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/gu, ''), 'base64'))));
    } catch (e) {
      throw new TokenProblem('certificate', `${what}: certificate ${out.length + 1} cannot be read (${(e as Error).message})`);
    }
  }
  return out;
}

export const isSelfIssued = (c: pkijs.Certificate) => c.subject.isEqual(c.issuer);

/** Everything read from a granted TimeStampResp. */
export interface ParsedToken {
  /** PKIStatus: 0 granted, 1 grantedWithMods. */
  status: number;
  signed: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  tst: pkijs.TSTInfo;
  /** The DER TSTInfo, the signed content. */
  tstDer: Uint8Array;
  /** The certificates the token carries. */
  certs: pkijs.Certificate[];
  genTime: Date;
  /** The serial number as lower-case hex, without leading zero bytes. */
  serial: string;
  policy: string;
  /** The TSTInfo's tsa name when it is a directory name, else undefined. */
  tsaName?: string;
}

/**
 * Parses a DER TimeStampResp (RFC 3161 §2.4.2) and checks its status is granted or
 * grantedWithMods and that it holds a SignedData TimeStampToken over a TSTInfo with one signer.
 * Throws TokenProblem: 'not-a-response' (not DER, trailing bytes, another structure), 'rejected'
 * (with the statusString and failInfo), 'no-token'.
 */
export function parseTimeStampResp(der: Uint8Array): ParsedToken {
  const bytes = new Uint8Array(der);
  const asn = asn1js.fromBER(bytes);
  if (asn.offset === -1) throw new TokenProblem('not-a-response', `the reply is not a TimeStampResp (not DER: ${asn.result.error || 'unreadable'}; ${describeBytes(bytes)})`);
  if (asn.offset !== bytes.length) throw new TokenProblem('not-a-response', `the reply is not a TimeStampResp (${bytes.length - asn.offset} bytes after its end)`);
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: asn.result });
  } catch (e) {
    throw new TokenProblem('not-a-response', `the reply is not a TimeStampResp (${(e as Error).message})`);
  }
  const status = resp.status.status;
  if (status !== 0 && status !== 1) {
    const text = (resp.status.statusStrings ?? []).map((s) => s.valueBlock.value).filter(Boolean).join('; ');
    const fail = failInfoNames(resp.status.failInfo);
    throw new TokenProblem('rejected', `the TSA refused the request: status ${STATUS_NAMES[status] ?? status}` +
      `${text ? `, "${text}"` : ''}${fail.length ? `, failInfo ${fail.join(', ')}` : ''}`);
  }
  const ci = resp.timeStampToken;
  if (!ci) throw new TokenProblem('no-token', `status ${STATUS_NAMES[status]}, but the reply holds no TimeStampToken`);
  if (ci.contentType !== OID.signedData) throw new TokenProblem('not-a-response', `the TimeStampToken is not CMS SignedData (content type ${ci.contentType})`);
  let signed: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  let tstDer: Uint8Array;
  try {
    signed = new pkijs.SignedData({ schema: ci.content });
    if (signed.encapContentInfo.eContentType !== OID.tstInfo) throw new Error(`its content type is ${signed.encapContentInfo.eContentType}, not TSTInfo`);
    const ec = signed.encapContentInfo.eContent;
    if (!ec) throw new Error('it holds no TSTInfo');
    const tstBytes = new Uint8Array(ec.getValue());
    tstDer = tstBytes;
    tst = pkijs.TSTInfo.fromBER(tstBytes);
  } catch (e) {
    throw new TokenProblem('not-a-response', `the TimeStampToken cannot be read: ${(e as Error).message}`);
  }
  if (signed.signerInfos.length !== 1) throw new TokenProblem('bad-signature', `the TimeStampToken has ${signed.signerInfos.length} signers; RFC 3161 §2.4.2 allows exactly one`);
  const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const serialBytes = Buffer.from(tst.serialNumber.valueBlock.valueHexView);
  let i = 0;
  while (i < serialBytes.length - 1 && serialBytes[i] === 0) i++;
  const tsaName = tst.tsa && tst.tsa.type === 4 ? dnString(tst.tsa.value as pkijs.RelativeDistinguishedNames) : undefined;
  return {
    status, signed, signerInfo: signed.signerInfos[0]!, tst, tstDer, certs,
    genTime: tst.genTime, serial: serialBytes.subarray(i).toString('hex'), policy: tst.policy, ...(tsaName ? { tsaName } : {}),
  };
}

function describeBytes(b: Uint8Array): string {
  const head = Buffer.from(b.subarray(0, 24));
  const text = head.toString('latin1');
  return /^[\x20-\x7e\r\n\t]+$/u.test(text) ? `it begins "${text.replace(/\s+/gu, ' ').trim()}"` : `${b.length} bytes`;
}

function failInfoNames(bits: asn1js.BitString | undefined): string[] {
  if (!bits) return [];
  const v = bits.valueBlock.valueHexView;
  const out: string[] = [];
  for (let i = 0; i < v.length * 8; i++) {
    if (v[i >> 3]! & (0x80 >> (i & 7))) out.push(FAIL_INFO[i] ?? `bit ${i}`);
  }
  return out;
}

/** What the token must be about: the data itself, or its SHA-256. */
export type Imprinted = Buffer | { sha256: Buffer };

/**
 * Checks the TSTInfo's messageImprint against the data (any of SHA-1/256/384/512 when the data
 * is given; SHA-256 only when just its digest is). Throws TokenProblem('imprint-mismatch').
 */
export function checkImprint(t: ParsedToken, data: Imprinted): void {
  const alg = t.tst.messageImprint.hashAlgorithm.algorithmId;
  const got = Buffer.from(t.tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  const name = HASHES[alg];
  let want: Buffer;
  if (Buffer.isBuffer(data)) {
    if (!name) throw new TokenProblem('imprint-mismatch', `the token's message imprint uses an unknown hash algorithm (${alg})`);
    want = createHash(name).update(data).digest();
  } else {
    if (alg !== OID.sha256) throw new TokenProblem('imprint-mismatch', `the token's message imprint is ${name ?? alg}, but only the SHA-256 of the data is known`);
    want = data.sha256;
  }
  if (!got.equals(want)) {
    throw new TokenProblem('imprint-mismatch', `the token is for other data: its message imprint is ${name ?? alg} ${got.toString('hex')}, the data's is ${want.toString('hex')}`);
  }
}

/** The certificate that signed, among `pool`, by the SignerInfo's sid (RFC 5652 §5.3). */
function findSigner(si: pkijs.SignerInfo, pool: pkijs.Certificate[]): pkijs.Certificate | undefined {
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const sid = si.sid;
    return pool.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  const sid = si.sid as asn1js.Constructed & asn1js.Primitive;
  const keyId = Buffer.from(sid.idBlock.isConstructed
    ? (sid.valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView
    : (sid as asn1js.Primitive).valueBlock.valueHexView);
  return pool.find((c) => {
    const ski = c.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
    const skiValue = ski ? Buffer.from((ski.parsedValue as asn1js.OctetString).valueBlock.valueHexView) : null;
    const sha1 = createHash('sha1').update(c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    return (skiValue && skiValue.equals(keyId)) || sha1.equals(keyId);
  });
}

/** The certHash of the first ESSCertID(v2) of a signing-certificate attribute, with its hash name. */
function essCertHash(attr: pkijs.Attribute): { hash: string; value: Buffer } | null {
  const v2 = attr.type === OID.signingCertificateV2;
  const outer = attr.values[0] as asn1js.Sequence | undefined;
  const certIds = outer?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const first = certIds?.valueBlock.value[0] as asn1js.Sequence | undefined;
  if (!first || !(first instanceof asn1js.Sequence)) return null;
  const parts = first.valueBlock.value;
  let hash = 'sha1';
  let k = 0;
  if (v2) {
    hash = 'sha256';
    if (parts[0] instanceof asn1js.Sequence) {
      const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
      hash = HASHES[alg.algorithmId] ?? alg.algorithmId;
      k = 1;
    }
  }
  const h = parts[k];
  if (!(h instanceof asn1js.OctetString)) return null;
  return { hash, value: Buffer.from(h.valueBlock.valueHexView) };
}

/**
 * Checks the token's CMS signature (RFC 5652 §5.4, §5.6): the signer certificate is found (among
 * the token's and `extraCerts`), the signed attributes hold contentType TSTInfo, the messageDigest
 * of the TSTInfo, and an ESS signingCertificate(V2) attribute naming that certificate (RFC 3161
 * §2.4.2, RFC 5035), and the signature over them verifies with its public key. Returns the signer
 * certificate. Throws TokenProblem('bad-signature').
 */
export function checkSignature(t: ParsedToken, extraCerts: pkijs.Certificate[] = []): pkijs.Certificate {
  const si = t.signerInfo;
  const bad = (why: string) => new TokenProblem('bad-signature', `the token's signature does not hold: ${why}`);
  const signer = findSigner(si, [...t.certs, ...extraCerts]);
  if (!signer) throw bad('the TSA certificate that signed it is neither in the token nor in the chain given');
  const attrs = si.signedAttrs?.attributes;
  if (!attrs?.length) throw bad('it has no signed attributes (RFC 3161 requires the ESS signing-certificate attribute)');
  const digestName = HASHES[si.digestAlgorithm.algorithmId];
  if (!digestName) throw bad(`unknown digest algorithm ${si.digestAlgorithm.algorithmId}`);
  const ct = attrs.find((a) => a.type === OID.contentType);
  if (!ct || (ct.values[0] as asn1js.ObjectIdentifier | undefined)?.valueBlock?.toString() !== OID.tstInfo) throw bad('its contentType attribute is missing or not TSTInfo');
  const md = attrs.find((a) => a.type === OID.messageDigest);
  if (!md) throw bad('it has no messageDigest attribute');
  const mdValue = Buffer.from((md.values[0] as asn1js.OctetString).valueBlock.valueHexView);
  if (!createHash(digestName).update(t.tstDer).digest().equals(mdValue)) throw bad('the signed messageDigest is not that of the TSTInfo (its content was changed)');
  const ess = attrs.find((a) => a.type === OID.signingCertificateV2) ?? attrs.find((a) => a.type === OID.signingCertificate);
  if (!ess) throw bad('it has no ESS signingCertificate attribute naming the TSA certificate (RFC 3161 §2.4.2)');
  const essHash = essCertHash(ess);
  if (!essHash || !Object.values(HASHES).includes(essHash.hash)) throw bad('its ESS signingCertificate attribute cannot be read or uses an unknown hash');
  if (!createHash(essHash.hash).update(certDer(signer)).digest().equals(essHash.value)) {
    throw bad('its ESS signingCertificate attribute names another certificate than the one that signed');
  }
  const signedBytes = Buffer.from(si.signedAttrs!.encodedValue);
  const sig = Buffer.from(si.signature.valueBlock.valueHexView);
  const key = createPublicKey({ key: Buffer.from(signer.subjectPublicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' });
  const algId = si.signatureAlgorithm.algorithmId;
  let ok: boolean;
  try {
    if (algId === '1.2.840.113549.1.1.1') {
      ok = cryptoVerify(digestName, signedBytes, { key, padding: cryptoConstants.RSA_PKCS1_PADDING }, sig);
    } else if (algId === '1.2.840.113549.1.1.10') {
      const p = new pkijs.RSASSAPSSParams({ schema: si.signatureAlgorithm.algorithmParams });
      const h = HASHES[p.hashAlgorithm.algorithmId];
      if (!h) throw bad(`unknown RSASSA-PSS hash ${p.hashAlgorithm.algorithmId}`);
      ok = cryptoVerify(h, signedBytes, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, sig);
    } else if (SIG_HASH[algId]) {
      ok = cryptoVerify(SIG_HASH[algId], signedBytes, key.asymmetricKeyType === 'rsa' ? { key, padding: cryptoConstants.RSA_PKCS1_PADDING } : key, sig);
    } else if (algId === '1.2.840.10045.2.1') {
      ok = cryptoVerify(digestName, signedBytes, key, sig);
    } else if (algId === '1.3.101.112' || algId === '1.3.101.113') {
      ok = cryptoVerify(null, signedBytes, key, sig);
    } else {
      throw bad(`signature algorithm ${algId} is not supported`);
    }
  } catch (e) {
    if (e instanceof TokenProblem) throw e;
    throw bad(`the signature cannot be checked (${(e as Error).message})`);
  }
  if (!ok) throw bad("the signature value does not match the TSA certificate's key (the token was altered or signed by another key)");
  return signer;
}

/**
 * Checks RFC 3161 §2.3: the TSA certificate's extendedKeyUsage is present, critical, and holds
 * timeStamping and nothing else. Throws TokenProblem('eku').
 */
export function checkEku(cert: pkijs.Certificate): void {
  const who = `the TSA certificate (${dnString(cert.subject)})`;
  const ext = cert.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  if (!ext) throw new TokenProblem('eku', `${who} has no extendedKeyUsage; RFC 3161 §2.3 requires a critical one with timeStamping only`);
  if (!ext.critical) throw new TokenProblem('eku', `${who} has an extendedKeyUsage that is not critical; RFC 3161 §2.3 requires it critical, with timeStamping only`);
  const purposes = (ext.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (purposes.length !== 1 || purposes[0] !== OID.timeStamping) {
    throw new TokenProblem('eku', `${who} is for ${purposes.join(', ') || 'no purpose'}; RFC 3161 §2.3 requires timeStamping (${OID.timeStamping}) only`);
  }
}

/**
 * The signer certificate followed by its issuers found in `pool` (by name, then by a signature
 * that verifies is left to the chain validation), up to a self-issued one or the first missing.
 */
export function pathFor(signer: pkijs.Certificate, pool: pkijs.Certificate[]): pkijs.Certificate[] {
  const path = [signer];
  let cur = signer;
  while (!isSelfIssued(cur) && path.length < 10) {
    const next = pool.find((c) => c.subject.isEqual(cur.issuer) && !path.includes(c));
    if (!next) break;
    path.push(next);
    cur = next;
  }
  return path;
}

/**
 * Validates the chain from `leaf` through the untrusted `intermediates` to one of `trusted` at
 * `when` (the token's genTime: the TSA certificate had to be valid when it signed) with pkijs's
 * CertificateChainValidationEngine. Self-issued certificates among the intermediates are left
 * out, so only `trusted` can anchor the chain. Returns the validated path (leaf first, the trust
 * anchor last), or the reason it does not hold.
 */
export async function validateChain(leaf: pkijs.Certificate, intermediates: pkijs.Certificate[], trusted: pkijs.Certificate[], when: Date): Promise<{ path: pkijs.Certificate[] } | { error: string }> {
  const certs = [leaf, ...intermediates.filter((c) => c !== leaf && !isSelfIssued(c))];
  const eng = new pkijs.CertificateChainValidationEngine({ certs, trustedCerts: trusted, checkDate: when });
  try {
    const r = await eng.verify({}, engine);
    if (r.result) return { path: r.certificatePath ?? [] };
    return { error: r.resultMessage || `chain validation failed (code ${r.resultCode})` };
  } catch (e) {
    const m = (e as { resultMessage?: string }).resultMessage ?? (e as Error).message ?? String(e);
    return { error: m || 'chain validation failed' };
  }
}

/** SHA-256 fingerprint of a certificate, hex with colons as `openssl x509 -fingerprint -sha256` prints it. */
export function certFingerprint(cert: pkijs.Certificate): string {
  return createHash('sha256').update(certDer(cert)).digest('hex').toUpperCase().replace(/(..)(?=.)/gu, '$1:');
}
