// The OpenPGP face of a signing key: the SAME Ed25519 key material as the SSH key, as an OpenPGP
// v4 key (RFC 4880 / RFC 9580 "EdDSALegacy", algorithm 22, curve OID 1.3.6.1.4.1.11591.15.1),
// which GnuPG 2.2 (Debian bookworm) reads, so one key is one identity whichever tool a
// recipient checks with. Its creation time is the key's createdAt, so the OpenPGP fingerprint is
// the same each time the key is rebuilt from its seed. openpgp.js is loaded on first use.
import type { PrivateKey, PublicKey } from 'openpgp';

type OpenPgp = typeof import('openpgp');
let lib: Promise<OpenPgp> | undefined;
const openpgp = (): Promise<OpenPgp> => (lib ??= import('openpgp'));

/** OID 1.3.6.1.4.1.11591.15.1 (Ed25519 in OpenPGP v4), with its length octet (RFC 9580 §9.2). */
const ED25519_LEGACY_OID = Buffer.from([9, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01]);
const EDDSA_LEGACY = 22;

/** An OpenPGP multiprecision integer (RFC 9580 §3.2): bit count, then the bytes without leading zeros. */
function mpi(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  const v = b.subarray(i);
  const bits = v.length ? (v.length - 1) * 8 + (32 - Math.clz32(v[0]!)) : 0;
  const head = Buffer.alloc(2);
  head.writeUInt16BE(bits);
  return Buffer.concat([head, v]);
}

/** OpenPGP key creation times are whole seconds; createdAt is truncated to them. */
export const openPgpCreationTime = (createdAt: string): Date => new Date(Math.floor(Date.parse(createdAt) / 1000) * 1000);

/**
 * Builds the OpenPGP v4 private key for an Ed25519 key pair: a Secret-Key packet (RFC 9580 §5.5.3,
 * unencrypted, held only in memory) made from `seed` (the 32-byte Ed25519 private key) and
 * `publicKey` (its 32-byte public key), with a self-signed User ID `userId`, certify and sign
 * flags, created at `created`. Throws when the seed and public key do not belong together.
 */
export async function openPgpPrivateKey(seed: Buffer, publicKey: Buffer, created: Date, userId: string): Promise<PrivateKey> {
  const pgp = await openpgp();
  const time = Buffer.alloc(4);
  time.writeUInt32BE(Math.floor(created.getTime() / 1000));
  const secret = mpi(seed);
  let sum = 0;
  for (const x of secret) sum = (sum + x) & 0xffff;
  const check = Buffer.alloc(2);
  check.writeUInt16BE(sum);
  const body = Buffer.concat([
    Buffer.from([4]), time, Buffer.from([EDDSA_LEGACY]), ED25519_LEGACY_OID,
    mpi(Buffer.concat([Buffer.from([0x40]), publicKey])), // 0x40: the native point prefix
    Buffer.from([0]), secret, check, // s2k usage 0: not encrypted (it never leaves memory)
  ]);
  const packet = new pgp.SecretKeyPacket(); // its creation time is read from `body`
  await packet.read(body); // keeps views into `body`: it must not be wiped while the key lives
  await packet.validate(); // the public key is the seed's
  const list = new pgp.PacketList();
  list.push(packet);
  const { privateKey } = await pgp.reformatKey({ privateKey: new pgp.PrivateKey(list), userIDs: [{ name: userId }], date: created, format: 'object' });
  return privateKey;
}

/** The armored public key ("-----BEGIN PGP PUBLIC KEY BLOCK-----") of `key`, and its v4 fingerprint (40 hex digits, upper case). */
export function openPgpPublic(key: PrivateKey): { armored: string; fingerprint: string } {
  return { armored: key.toPublic().armor(), fingerprint: key.getFingerprint().toUpperCase() };
}

/**
 * An armored detached OpenPGP signature (RFC 9580 §5.2, binary document) over `data`, which
 * `gpg --verify sig.asc file` checks with the public key.
 */
export async function openPgpSignDetached(key: PrivateKey, data: Buffer): Promise<string> {
  const pgp = await openpgp();
  const message = await pgp.createMessage({ binary: new Uint8Array(data) });
  return pgp.sign({ message, signingKeys: key, detached: true, format: 'armored' });
}

/** What an OpenPGP check found: the signing key's fingerprint and its raw Ed25519 public key. */
export interface OpenPgpVerdict {
  fingerprint: string;
  /** The 32-byte Ed25519 public key inside the OpenPGP key. */
  ed25519: Buffer;
  userIds: string[];
}

/**
 * Reads an armored OpenPGP public key that must be an Ed25519 (EdDSALegacy) key, returning its
 * fingerprint, raw public key and User IDs. Throws an Error saying why otherwise.
 */
export async function readOpenPgpEd25519(armoredKey: string): Promise<{ key: PublicKey } & OpenPgpVerdict> {
  const pgp = await openpgp();
  const key = await pgp.readKey({ armoredKey });
  const packet = key.keyPacket as unknown as { algorithm: number; publicParams: { Q?: Uint8Array } };
  const q = packet.publicParams.Q;
  if (packet.algorithm !== EDDSA_LEGACY || !q || q.length !== 33 || q[0] !== 0x40) throw new Error('the OpenPGP key is not an Ed25519 key');
  return { key, fingerprint: key.getFingerprint().toUpperCase(), ed25519: Buffer.from(q.subarray(1)), userIds: key.getUserIDs() };
}

/**
 * Verifies an armored detached OpenPGP signature over `data` with `armoredKey` (an Ed25519 key),
 * as `gpg --verify` does. Returns who signed; throws an Error naming the reason when the key is
 * not Ed25519, the signature is malformed, made by another key, or does not hold over `data`.
 */
export async function openPgpVerifyDetached(armoredSignature: string, data: Buffer, armoredKey: string): Promise<OpenPgpVerdict> {
  const pgp = await openpgp();
  const signer = await readOpenPgpEd25519(armoredKey);
  const signature = await pgp.readSignature({ armoredSignature });
  const message = await pgp.createMessage({ binary: new Uint8Array(data) });
  const { signatures } = await pgp.verify({ message, signature, verificationKeys: signer.key, expectSigned: false, format: 'binary' });
  if (signatures.length !== 1) throw new Error(`expected one OpenPGP signature, found ${signatures.length}`);
  const [s] = signatures;
  if (!s!.keyID.equals(signer.key.getKeyID())) throw new Error(`the OpenPGP signature was made by key ${s!.keyID.toHex().toUpperCase()}, not by the key in signer.asc`);
  await s!.verified; // throws when the signature does not hold
  return { fingerprint: signer.fingerprint, ed25519: signer.ed25519, userIds: signer.userIds };
}
