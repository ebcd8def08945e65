// What a check said, as a stable code and the values it names, beside its English sentence: a
// reader in another language (the CLI's --lang, the app) renders the code through its own
// catalog, and a code it does not know falls back to the English. Plain data: no node:*.

/** Values a message names: file names, hashes, fingerprints, counts. Untrusted text when they come from a received set. */
export type SaidParams = Record<string, string | number>;

/** One message: a dotted code ("payload.altered") and the values its sentence names. */
export interface Said {
  code: string;
  params: SaidParams;
}
