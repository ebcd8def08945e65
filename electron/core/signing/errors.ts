// The errors of the signing keys, apart from the keystore so that the CLI's start-up can
// recognise them without loading crypto or openpgp.js. Each says what to do next; none holds a
// passphrase or key material.

/** A key problem the user can fix; `exitCode` is the CLI's (1: failed, 2: usage). */
export class KeyError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 2) {
    super(message);
    this.name = 'KeyError';
  }
}

/** No signing key exists in the keys folder. */
export class NoSigningKeyError extends KeyError {
  constructor(dir: string) {
    super(`no signing key in ${dir}; create one with \`evidence key create --name NAME\``);
    this.name = 'NoSigningKeyError';
  }
}

/** Several keys exist and none was chosen. */
export class AmbiguousKeyError extends KeyError {
  constructor(readonly names: string[]) {
    super(`several signing keys exist (${names.join(', ')}); choose one with --key NAME or the environment variable EVIDENCE_KEY`);
    this.name = 'AmbiguousKeyError';
  }
}

/** The key asked for does not exist. */
export class UnknownKeyError extends KeyError {
  constructor(name: string, readonly names: string[]) {
    super(`no signing key named "${name}"${names.length ? ` (keys: ${names.join(', ')})` : '; create it with `evidence key create --name NAME`'}`);
    this.name = 'UnknownKeyError';
  }
}

/** The passphrase does not open the key. Exit code 1: the command ran and could not sign. */
export class WrongPassphraseError extends KeyError {
  constructor(name: string) {
    super(`the passphrase does not unlock the key "${name}"; check EVIDENCE_KEY_PASSPHRASE or what you typed, and run the command again (a lost passphrase cannot be recovered: create a new key and tell your recipients its fingerprint)`, 1);
    this.name = 'WrongPassphraseError';
  }
}

/** No passphrase was given and none can be asked for. */
export class PassphraseUnavailableError extends KeyError {
  constructor(purpose: string) {
    super(`${purpose} needs the key's passphrase: set the environment variable EVIDENCE_KEY_PASSPHRASE, or run the command in a terminal to be asked for it`);
    this.name = 'PassphraseUnavailableError';
  }
}

/** The key name is not acceptable, is taken, or the keys folder is not a place for keys. */
export class KeyStoreError extends KeyError {
  constructor(message: string) {
    super(message);
    this.name = 'KeyStoreError';
  }
}
