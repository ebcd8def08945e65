// Where openArchive gets an encrypted catalog's passphrase when its caller gives none. Apart from
// archive.ts so that the CLI can set it at start-up without loading SQLite.

/**
 * The passphrase itself, or a function asked once (with the archive folder) only when the
 * catalog turns out to be encrypted.
 */
export type PassphraseSource = string | ((dir: string) => Promise<string>);

let source: PassphraseSource | undefined;

/**
 * Sets the passphrase source openArchive uses when its caller gives none (the CLI sets one that
 * reads EVIDENCE_PASSPHRASE or asks on the terminal); undefined clears it.
 */
export function setDefaultPassphraseSource(s: PassphraseSource | undefined): void {
  source = s;
}

/** The source set by setDefaultPassphraseSource, if any. */
export function defaultPassphraseSource(): PassphraseSource | undefined {
  return source;
}
