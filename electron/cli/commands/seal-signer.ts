// Where `evidence seal` (and, once wired, `evidence export`) gets the key that signs: one factory,
// so that the keystore can take the place of the PEM file without the commands changing.
import type { SealSigner } from '../../core/custody/seal-format.ts';
import { KeyFileError, pemFileSigner } from '../../core/signing/pem-signer.ts';
import { UsageError, type Io } from '../io.ts';
import { signingKeyFor } from '../signing-key.ts';

/** What a command was given to choose a key. */
export interface SignerChoice {
  /** --key-file: an Ed25519 private key in PEM (PKCS#8), encrypted or not. */
  keyFile?: string;
  /** --key NAME: a key of the keystore (`evidence key create`). */
  key?: string;
}

/**
 * Gives the signer for a command's options, or null when none was chosen (the command decides
 * whether it may go on unsigned). Throws UsageError for a key that cannot be used.
 */
export type SealSignerFactory = (choice: SignerChoice, io?: Io) => Promise<SealSigner | null>;

/**
 * The factory in use: a --key-file PEM, opened with $EVIDENCE_KEY_PASSPHRASE when it is
 * encrypted; else the keystore's key (--key NAME, $EVIDENCE_KEY, or the only one), unlocked as
 * signingKeyFor does; null when the keystore holds no key.
 */
export const sealSignerFactory: SealSignerFactory = async (choice, io) => {
  if (choice.keyFile === undefined) {
    if (!io) return null;
    return (await signingKeyFor(io, { key: choice.key, purpose: 'sealing the custody chain' })).key;
  }
  try {
    return pemFileSigner(choice.keyFile, process.env.EVIDENCE_KEY_PASSPHRASE || undefined);
  } catch (e) {
    if (e instanceof KeyFileError) throw new UsageError(e.message);
    throw e;
  }
};
