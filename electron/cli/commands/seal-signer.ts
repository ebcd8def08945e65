// Where `evidence seal` (and, once wired, `evidence export`) gets the key that signs: one factory,
// so that the keystore can take the place of the PEM file without the commands changing.
import type { SealSigner } from '../../core/custody/seal-format.ts';
import { KeyFileError, pemFileSigner } from '../../core/signing/pem-signer.ts';
import { UsageError } from '../io.ts';

/** What a command was given to choose a key. */
export interface SignerChoice {
  /** --key-file: an Ed25519 private key in PEM (PKCS#8), encrypted or not. */
  keyFile?: string;
}

/**
 * Gives the signer for a command's options, or null when none was chosen (the command decides
 * whether it may go on unsigned). Throws UsageError for a key that cannot be used.
 */
export type SealSignerFactory = (choice: SignerChoice) => Promise<SealSigner | null>;

/**
 * The factory in use: a --key-file PEM, opened with $EVIDENCE_KEY_PASSPHRASE when it is
 * encrypted; null without --key-file. The keystore replaces this (default key, --key NAME).
 */
export const sealSignerFactory: SealSignerFactory = async (choice) => {
  if (choice.keyFile === undefined) return null;
  try {
    return pemFileSigner(choice.keyFile, process.env.EVIDENCE_KEY_PASSPHRASE || undefined);
  } catch (e) {
    if (e instanceof KeyFileError) throw new UsageError(e.message);
    throw e;
  }
};
