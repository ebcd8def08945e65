// A signer made from an Ed25519 private key in a PEM (PKCS#8) file, optionally encrypted: what
// `evidence seal --key-file` uses until the keystore gives one.
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { openSshPublicKey, privateKeyFromPem, rawEd25519PublicKey, sshFingerprint, sshsigSign } from './sshsig.ts';

/** The shape of a signer as the keystore gives it (and SealSigner expects). */
export interface PemSigner {
  fingerprint: string;
  publicKeyLine: string;
  signSshsig(data: Buffer, namespace: string): string;
}

/** A key file that cannot be used: unreadable, not a PEM private key, encrypted without (or with a wrong) passphrase, not Ed25519. */
export class KeyFileError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'KeyFileError';
  }
}

/**
 * A signer from the Ed25519 private key in the PEM file `file` (PKCS#8, as `openssl genpkey
 * -algorithm ed25519` writes it; encrypted PKCS#8 with `passphrase`). Signs SSHSIG (sshsigSign).
 * Throws KeyFileError naming the file and the reason.
 */
export function pemFileSigner(file: string, passphrase?: string): PemSigner {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KeyFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let key: KeyObject;
  try {
    key = privateKeyFromPem(pem, passphrase);
  } catch (e) {
    const msg = (e as Error).message;
    if (pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /passphrase|decrypt/i.test(msg)) {
      throw new KeyFileError(file, passphrase === undefined ? 'the key is encrypted: give its passphrase in EVIDENCE_KEY_PASSPHRASE' : 'the passphrase does not open this key');
    }
    throw new KeyFileError(file, `not a PEM private key (${msg})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError(file, `an ${key.asymmetricKeyType ?? 'unknown'} key; seals and signatures need an Ed25519 key`);
  const raw = rawEd25519PublicKey(key);
  return {
    fingerprint: sshFingerprint(raw),
    publicKeyLine: openSshPublicKey(raw),
    signSshsig: (data, namespace) => sshsigSign(data, key, namespace),
  };
}
