// The seal of a custody chain head (docs/seal-and-proof.md "The seal"): its shape, the bytes its
// SSH signature covers, and the check of that signature. No catalog access: verify-bag uses it on
// a seal read from a bag.
import { canonicalJson } from './canonical-json.ts';
import { parseOpenSshPublicKey, sshFingerprint, sshsigVerify } from '../signing/sshsig.ts';

export const SEAL_FORMAT = 'evidence-seal/1';
/** SSHSIG namespace of seal signatures (PROTOCOL.sshsig). */
export const SEAL_NAMESPACE = 'evidence-seal@evidence-archive';
/** Custody event type of a seal (PREMIS "digital signature generation"). */
export const SEAL_EVENT_TYPE = 'digital signature generation';

/** An RFC 3161 token over a seal's signed bytes. */
export interface SealTimestamp {
  tsa: string;
  /** Base64 of the DER TimeStampResp. */
  token: string;
}

/** Who signed a seal: OpenSSH fingerprint and public key line. */
export interface SealSignerInfo {
  fingerprint: string;
  publicKey: string;
}

/** A seal of custody rows 1..seq (docs/seal-and-proof.md). `signer` and `signature` are absent when no key was available. */
export interface Seal {
  format: typeof SEAL_FORMAT;
  archiveId: string;
  seq: number;
  head: string;
  leafCount: number;
  merkleRoot: string;
  sealedAt: string;
  signer?: SealSignerInfo;
  signature?: string;
  timestamps?: SealTimestamp[];
}

/**
 * What signs a seal: the keystore's signer, or one made from a PEM key file (signing/pem-signer.ts).
 * `signSshsig` returns an armored SSHSIG (PROTOCOL.sshsig) over `data` in `namespace`.
 */
export interface SealSigner {
  fingerprint: string;
  /** "ssh-ed25519 AAAA…" (a comment after the key is allowed and dropped from seals). */
  publicKeyLine: string;
  signSshsig(data: Buffer, namespace: string): string;
}

/** A seal that cannot be read, or whose signature does not hold; the message says why. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The bytes a seal's signature covers and a timestamp token's imprint hashes: UTF-8 of the RFC 8785
 * JSON of the seal without "signature" and "timestamps". Throws SealError for a value JSON cannot hold.
 */
export function sealSignedBytes(seal: Seal): Buffer {
  const body: Record<string, unknown> = { ...seal };
  delete body.signature;
  delete body.timestamps;
  const text = canonicalJson(body);
  if (text === undefined) throw new SealError('the seal cannot be canonicalized');
  return Buffer.from(text, 'utf8');
}

/**
 * `v` as a Seal, after checking its shape (format, hex fields, whole numbers, signer and signature
 * together or neither). Throws SealError naming the first field that is wrong.
 */
export function asSeal(v: unknown): Seal {
  const s = v as Record<string, unknown>;
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new SealError('the seal is not a JSON object');
  if (s.format !== SEAL_FORMAT) throw new SealError(`the seal's format is ${JSON.stringify(s.format)}, not "${SEAL_FORMAT}"`);
  if (typeof s.archiveId !== 'string') throw new SealError('the seal has no archiveId');
  if (!Number.isSafeInteger(s.seq) || (s.seq as number) < 0) throw new SealError('the seal\'s seq is not a whole number');
  if (!Number.isSafeInteger(s.leafCount)) throw new SealError('the seal\'s leafCount is not a whole number');
  if (typeof s.head !== 'string' || !HEX64.test(s.head)) throw new SealError('the seal\'s head is not 64 hex digits');
  if (typeof s.merkleRoot !== 'string' || !HEX64.test(s.merkleRoot)) throw new SealError('the seal\'s merkleRoot is not 64 hex digits');
  if (typeof s.sealedAt !== 'string') throw new SealError('the seal has no sealedAt');
  if (s.signature !== undefined && typeof s.signature !== 'string') throw new SealError('the seal\'s signature is not text');
  const signer = s.signer as Record<string, unknown> | undefined;
  if (signer !== undefined && (!signer || typeof signer.fingerprint !== 'string' || typeof signer.publicKey !== 'string')) {
    throw new SealError('the seal\'s signer lacks a fingerprint or public key');
  }
  if ((signer === undefined) !== (s.signature === undefined)) throw new SealError('the seal has a signer without a signature, or a signature without a signer');
  if (s.timestamps !== undefined && !(Array.isArray(s.timestamps) && s.timestamps.every((t) => t && typeof t.tsa === 'string' && typeof t.token === 'string'))) {
    throw new SealError('the seal\'s timestamps are not a list of {tsa, token}');
  }
  return s as unknown as Seal;
}

/**
 * Checks a seal's signature (docs/seal-and-proof.md check 1): an SSHSIG in SEAL_NAMESPACE over
 * sealSignedBytes, made by the key `seal.signer.publicKey`, whose OpenSSH fingerprint is
 * `seal.signer.fingerprint`. Returns the signer, or null for an unsigned seal (not sealed: nothing
 * vouches for it). Throws SealError saying why the signature does not hold.
 */
export function sealSignerOf(seal: Seal): SealSignerInfo | null {
  if (seal.signature === undefined && seal.signer === undefined) return null;
  if (seal.signature === undefined || seal.signer === undefined) throw new SealError('the seal has a signer without a signature, or a signature without a signer');
  let raw: Buffer;
  try {
    raw = parseOpenSshPublicKey(seal.signer.publicKey);
  } catch (e) {
    throw new SealError(`the seal's signer key cannot be read: ${(e as Error).message}`);
  }
  const fp = sshFingerprint(raw);
  if (fp !== seal.signer.fingerprint) throw new SealError(`the seal's signer key has fingerprint ${fp}, not the ${seal.signer.fingerprint} it claims`);
  let made: Buffer;
  try {
    made = sshsigVerify(seal.signature, sealSignedBytes(seal), SEAL_NAMESPACE).publicKey;
  } catch (e) {
    throw new SealError(`the seal's signature does not hold: ${(e as Error).message}`);
  }
  if (!made.equals(raw)) throw new SealError(`the seal's signature was made by key ${sshFingerprint(made)}, not by its signer ${fp}`);
  return { fingerprint: fp, publicKey: seal.signer.publicKey };
}

/** The file name of the seal of row `seq` under seals/: 10 digits, zero-padded, ".json". */
export function sealFileName(seq: number): string {
  return `${String(seq).padStart(10, '0')}.json`;
}
