// The signing key a command uses (export, seal): the keystore's key chosen by --key NAME,
// $EVIDENCE_KEY, or the only key there is, unlocked with the passphrase from
// $EVIDENCE_KEY_PASSPHRASE or a prompt on the terminal.
import { listKeys, resolveKey, unlockKey, type SigningKey } from '../core/signing/keystore.ts';
import type { Io } from './io.ts';
import { readPassphrase } from './passphrase.ts';

/** Why a command goes on without a key, for its warning; null when it has one. */
export type Unsigned = { key: null; why: 'no-sign' | 'no-key' } | { key: SigningKey; why: null };

/**
 * The unlocked key for `purpose` ("signing the evidence set"), or why there is none: `--no-sign`
 * given, or no key in the keystore at all (`evidence key create` makes one). With keys present,
 * the key is chosen and unlocked or the command stops: throws AmbiguousKeyError (several keys,
 * none chosen), UnknownKeyError, PassphraseUnavailableError (no $EVIDENCE_KEY_PASSPHRASE and no
 * terminal), WrongPassphraseError, each with a message saying what to do.
 */
export async function signingKeyFor(io: Io, opts: { key?: string; noSign?: boolean; purpose: string }): Promise<Unsigned> {
  if (opts.noSign) return { key: null, why: 'no-sign' };
  if (opts.key === undefined && !process.env.EVIDENCE_KEY && listKeys().length === 0) return { key: null, why: 'no-key' };
  const info = resolveKey(opts.key);
  const passphrase = await readPassphrase(io, { purpose: opts.purpose, keyName: info.name });
  return { key: await unlockKey(info, passphrase), why: null };
}
