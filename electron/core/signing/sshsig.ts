// SSH signatures (OpenSSH PROTOCOL.sshsig) with Ed25519 keys: the format `ssh-keygen -Y sign`
// writes and `ssh-keygen -Y verify` checks, so a recipient needs only OpenSSH, which ships with
// Windows 10/11, macOS and Linux.

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const MAGIC = Buffer.from('SSHSIG');
const SIG_VERSION = 1;
const KEY_TYPE = 'ssh-ed25519';
const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';

/** An SSH signature that cannot be read or does not hold; the message says why. */
export class SshsigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshsigError';
  }
}

function sshString(b: Buffer | string): Buffer {
  const data = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** Reads SSH wire-format strings (RFC 4251 §5) one after the other. */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new SshsigError('truncated SSH signature');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  done(): boolean {
    return this.at === this.buf.length;
  }
}

/** The 32-byte raw Ed25519 public key of a Node KeyObject (public or private). */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new SshsigError(`not an Ed25519 key (${pub.asymmetricKeyType})`);
  const jwk = pub.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

/** The SSH wire blob of an Ed25519 public key: string "ssh-ed25519", string key (RFC 8709 §4). */
export function ed25519PublicBlob(raw32: Buffer): Buffer {
  if (raw32.length !== 32) throw new SshsigError(`an Ed25519 public key is 32 bytes, not ${raw32.length}`);
  return Buffer.concat([sshString(KEY_TYPE), sshString(raw32)]);
}

/** One line of an OpenSSH public key file: "ssh-ed25519 AAAA… [comment]". */
export function openSshPublicKey(raw32: Buffer, comment?: string): string {
  const line = `${KEY_TYPE} ${ed25519PublicBlob(raw32).toString('base64')}`;
  return comment ? `${line} ${comment.replace(/[\r\n]/g, ' ')}` : line;
}

/**
 * Fingerprint of an Ed25519 public key as OpenSSH prints it (`ssh-keygen -l`):
 * "SHA256:" + unpadded base64 of SHA-256 over the public key blob.
 */
export function sshFingerprint(raw32: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(ed25519PublicBlob(raw32)).digest('base64').replace(/=+$/, '');
}

/**
 * Parses "ssh-ed25519 AAAA… [comment]" (an OpenSSH public key line, or the key part of an
 * allowed_signers line) into the raw 32-byte key. Throws SshsigError for another key type or a
 * malformed blob.
 */
export function parseOpenSshPublicKey(line: string): Buffer {
  const parts = line.trim().split(/\s+/);
  const at = parts.indexOf(KEY_TYPE);
  if (at < 0 || !parts[at + 1]) throw new SshsigError('not an ssh-ed25519 public key');
  const r = new Reader(Buffer.from(parts[at + 1]!, 'base64'));
  if (r.string().toString() !== KEY_TYPE) throw new SshsigError('public key blob is not ssh-ed25519');
  const raw = r.string();
  if (raw.length !== 32 || !r.done()) throw new SshsigError('malformed ssh-ed25519 public key blob');
  return raw;
}

/** A Node public KeyObject for a raw Ed25519 key. */
export function ed25519KeyObject(raw32: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw32.toString('base64url') }, format: 'jwk' });
}

/** The blob SSHSIG signs (PROTOCOL.sshsig §"Signed Data"): preamble, namespace, reserved, hash algorithm, H(message). */
function signedData(namespace: string, hashAlg: 'sha256' | 'sha512', message: Buffer): Buffer {
  const digest = createHash(hashAlg).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(hashAlg), sshString(digest)]);
}

function armor(blob: Buffer): string {
  const b64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70));
  return `${ARMOR_BEGIN}\n${lines.join('\n')}\n${ARMOR_END}\n`;
}

/**
 * Signs `message` as `ssh-keygen -Y sign -n <namespace>` does (PROTOCOL.sshsig, hash sha512) with an
 * Ed25519 private key, returning the armored signature ("-----BEGIN SSH SIGNATURE-----" …), which
 * `ssh-keygen -Y verify -n <namespace>` accepts. Throws SshsigError for a key that is not Ed25519.
 */
export function sshsigSign(message: Buffer, privateKey: KeyObject, namespace: string): string {
  if (!namespace) throw new SshsigError('an SSH signature needs a namespace');
  const raw = rawEd25519PublicKey(privateKey);
  const sig = sign(null, signedData(namespace, 'sha512', message), privateKey);
  const blob = Buffer.concat([
    MAGIC, Buffer.from([0, 0, 0, SIG_VERSION]), sshString(ed25519PublicBlob(raw)), sshString(namespace), sshString(''),
    sshString('sha512'), sshString(Buffer.concat([sshString(KEY_TYPE), sshString(sig)])),
  ]);
  return armor(blob);
}

/** What an SSH signature says about itself, and whether it holds over the message. */
export interface SshsigVerdict {
  /** Raw 32-byte Ed25519 key that made the signature (read from the signature itself). */
  publicKey: Buffer;
  /** Its fingerprint, "SHA256:…". */
  fingerprint: string;
  namespace: string;
}

/**
 * Parses an armored SSH signature. Throws SshsigError when it is not one, is of another version,
 * or uses a key or hash algorithm other than ssh-ed25519 and sha256/sha512.
 */
export function parseSshsig(armored: string): { publicKey: Buffer; namespace: string; hashAlg: 'sha256' | 'sha512'; signature: Buffer } {
  const text = armored.trim();
  if (!text.startsWith(ARMOR_BEGIN) || !text.endsWith(ARMOR_END)) throw new SshsigError('not an armored SSH signature');
  const blob = Buffer.from(text.slice(ARMOR_BEGIN.length, -ARMOR_END.length).replace(/\s+/g, ''), 'base64');
  const r = new Reader(blob);
  if (!r.bytes(6).equals(MAGIC)) throw new SshsigError('SSH signature lacks the SSHSIG preamble');
  const version = r.uint32();
  if (version !== SIG_VERSION) throw new SshsigError(`SSH signature version ${version} is not supported`);
  const pk = new Reader(r.string());
  if (pk.string().toString() !== KEY_TYPE) throw new SshsigError('SSH signature is not made with an ssh-ed25519 key');
  const publicKey = pk.string();
  const namespace = r.string().toString('utf8');
  r.string(); // reserved
  const hashAlg = r.string().toString();
  if (hashAlg !== 'sha256' && hashAlg !== 'sha512') throw new SshsigError(`SSH signature hash algorithm ${hashAlg} is not supported`);
  const sigBlob = new Reader(r.string());
  if (sigBlob.string().toString() !== KEY_TYPE) throw new SshsigError('SSH signature blob is not ssh-ed25519');
  const signature = sigBlob.string();
  if (publicKey.length !== 32 || signature.length !== 64 || !r.done()) throw new SshsigError('malformed SSH signature');
  return { publicKey, namespace, hashAlg, signature };
}

/**
 * Verifies an armored SSH signature over `message` in `namespace`, as `ssh-keygen -Y verify` does
 * (PROTOCOL.sshsig). Returns who signed (the key inside the signature); whether that key is one the
 * recipient trusts is the caller's question (compare `fingerprint`). Throws SshsigError naming the
 * reason when the signature is malformed, of another namespace, or does not hold over `message`.
 */
export function sshsigVerify(armored: string, message: Buffer, namespace: string): SshsigVerdict {
  const s = parseSshsig(armored);
  if (s.namespace !== namespace) throw new SshsigError(`SSH signature is for namespace "${s.namespace}", not "${namespace}"`);
  const ok = verify(null, signedData(namespace, s.hashAlg, message), ed25519KeyObject(s.publicKey), s.signature);
  if (!ok) throw new SshsigError('SSH signature does not match the signed file (the file changed, or the signature is not for it)');
  return { publicKey: s.publicKey, fingerprint: sshFingerprint(s.publicKey), namespace };
}

/**
 * One line of an OpenSSH allowed_signers file (ssh-keygen(1) "ALLOWED SIGNERS"):
 * `<identity> namespaces="<ns>" ssh-ed25519 AAAA…`. The identity is an e-mail-like principal with
 * no spaces; spaces and quotes are replaced so that the line stays one principal.
 */
export function allowedSignersLine(identity: string, raw32: Buffer, namespaces: string[]): string {
  const principal = identity.trim().replace(/[\s",]+/g, '_') || 'signer';
  return `${principal} namespaces="${namespaces.join(',')}" ${openSshPublicKey(raw32)}\n`;
}

/** Test and tooling aid: a private KeyObject from a PEM (PKCS#8) text, optionally encrypted. */
export function privateKeyFromPem(pem: string, passphrase?: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) });
}
