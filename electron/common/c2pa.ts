// C2PA Content Credentials (issue 14 §3): the shape of a validation report as the catalog keeps it,
// the CLI prints it and the renderer shows it. Plain data: no node:*, imports nothing of ours.
// Status codes are the C2PA specification's names (C2PA 2.1 §15.2 "Returning validation results"),
// as c2patool reports them ("claimSignature.mismatch", "assertion.dataHash.mismatch", ...).

/**
 * The verdict on a file's Content Credentials:
 * - `absent`: the file carries no C2PA manifest store (or its format is one we cannot read);
 * - `valid-trusted`: every check passed and the signer's certificate chains to a trust anchor the
 *   user configured;
 * - `valid-untrusted`: every check passed, but the signer is on no configured trust list;
 * - `invalid`: at least one failure code (the report's `codes`).
 */
export type CredentialVerdict = 'absent' | 'valid-trusted' | 'valid-untrusted' | 'invalid';
export const CREDENTIAL_VERDICTS: readonly CredentialVerdict[] = ['absent', 'valid-trusted', 'valid-untrusted', 'invalid'];

/** What `list --credentials` selects: `valid` is both valid verdicts; each verdict selects itself (`valid-trusted`: only signers on the trust list). */
export type CredentialFilter = 'absent' | 'valid' | 'invalid' | 'valid-trusted' | 'valid-untrusted';
export const CREDENTIAL_FILTERS: readonly CredentialFilter[] = ['absent', 'valid', 'valid-trusted', 'valid-untrusted', 'invalid'];

/** One validation status entry (C2PA 2.1 §15.2.1: code, url, explanation; success = not a failure code). */
export interface CredentialStatus {
  code: string;
  url?: string;
  explanation?: string;
  success: boolean;
}

/** The certificate that signed the active manifest's claim. */
export interface CredentialSigner {
  /** RFC 4514-like subject, attributes joined by ", " (e.g. "C=US, O=Truepic, CN=..."). */
  subject: string;
  /** The certificate's issuer DN, same form. */
  issuerDn: string;
  /** What c2patool reports as `signature_info.issuer`: the subject's organisation (O), else its CN. */
  issuer: string;
  commonName: string | null;
  organization: string | null;
  /** Decimal, as c2patool prints `cert_serial_number`. */
  serialNumber: string;
  /** SHA-256 of the DER certificate, hex lowercase. */
  sha256: string;
  validFrom: string;
  validTo: string;
  /** COSE algorithm, e.g. "ES256", "PS256". */
  algorithm: string | null;
  /** Certificates sent with the signature (x5chain) after the signer's, subjects only. */
  chain: string[];
}

export interface CredentialIngredient {
  title: string | null;
  format: string | null;
  /** parentOf | componentOf | inputTo. */
  relationship: string | null;
  instanceId: string | null;
  documentId: string | null;
  /** True when the ingredient carries its own manifest (a label in the store). */
  hasManifest: boolean;
  /** Failure codes the ingredient assertion records for itself (validationStatus / validationResults). */
  validationCodes: string[];
}

export interface CredentialAction {
  /** e.g. "c2pa.created", "c2pa.opened", "c2pa.color_adjustments". */
  action: string;
  when: string | null;
  softwareAgent: string | null;
  description: string | null;
  digitalSourceType: string | null;
  /** parameters.name when given (e.g. "brightnesscontrast"). */
  name: string | null;
}

/** The trust list a verdict was reached with: the user's anchors at validation time. */
export interface TrustListUsed {
  /** "archive trust anchors" (settings) or "none configured". */
  name: string;
  anchors: { subject: string; sha256: string }[];
  /** SHA-256 over the sorted anchor fingerprints, so two reports can tell whether the list changed. */
  sha256: string | null;
}

/**
 * Facts of the active manifest as read from the store, before any trust decision: the reader
 * (core/c2pa/read.ts ManifestFacts) produces them and the report carries them unchanged, so both
 * take their shape from here.
 */
export interface CredentialManifestFacts {
  /** The active manifest's label (a URN), or null. */
  activeManifest: string | null;
  /** Manifests in the store (the active one and those of its ingredients). */
  manifests: number;
  /** The claim's generator as c2patool prints `claim_generator` (v2 claims: name/version of claim_generator_info). */
  claimGenerator: string | null;
  title: string | null;
  format: string | null;
  instanceId: string | null;
  /** When the claim was signed, from a time-stamp that validated (RFC 3161 genTime), ISO 8601 UTC; else null. */
  signedAt: string | null;
  ingredients: CredentialIngredient[];
  actions: CredentialAction[];
}

/** The validation report kept with the item (item_credentials.report) and shown by `show`. */
export interface CredentialReport extends CredentialManifestFacts {
  verdict: CredentialVerdict;
  /** Failure codes, de-duplicated, in the order found (empty unless verdict is invalid). */
  codes: string[];
  /** `signingCredential.trusted` / `signingCredential.untrusted` from our trust-anchor check; null when absent. */
  trust: string | null;
  /** Container the store was read from: "jpeg" (APP11), "png" (caBX), "bmff" (uuid box), "mp3" (ID3 GEOB), or null. */
  container: string | null;
  signer: CredentialSigner | null;
  /** Every status entry: the library's, and our trust decision. */
  statuses: CredentialStatus[];
  /** SHA-256 and size of the manifest store bytes kept with the item. */
  storeSha256: string | null;
  storeBytes: number | null;
  /** A store found but not readable at all, in words. */
  error: string | null;
  validator: { library: string; version: string; trustList: TrustListUsed; validatedAt: string; notes: string[] };
}

/** True for the two valid verdicts. */
export const isValidVerdict = (v: CredentialVerdict): boolean => v === 'valid-trusted' || v === 'valid-untrusted';

/**
 * Plain-English explanations of the status codes our validator can give (C2PA 2.1 §15.2.2); the
 * CLI prints them, the renderer has its own translations under credentials.code.*.
 */
export const CREDENTIAL_CODE_WORDS: Record<string, string> = {
  'claimSignature.validated': 'the claim signature is valid',
  'claimSignature.mismatch': 'the claim signature does not match the claim: the credentials were changed after signing',
  'claimSignature.missing': 'the claim has no signature',
  'signingCredential.trusted': 'the signing certificate chains to a trust anchor you configured',
  'signingCredential.untrusted': 'the signing certificate is on no trust list you configured',
  'signingCredential.invalid': 'the signing certificate is not valid for signing C2PA claims',
  'signingCredential.expired': 'the signing certificate had expired (or was not yet valid) when the claim was signed',
  'signingCredential.revoked': 'the signing certificate was revoked',
  'timeStamp.trusted': 'the signing time comes from a time-stamp that validated',
  'timeStamp.mismatch': 'the time-stamp does not match the signature',
  'timeStamp.untrusted': 'the time-stamp authority is not trusted',
  'timeStamp.outsideValidity': 'the time-stamp lies outside the signing certificate\'s validity',
  'timeStamp.malformed': 'the time-stamp is malformed',
  'assertion.hashedURI.match': 'an assertion matches its hash in the claim',
  'assertion.hashedURI.mismatch': 'an assertion was changed after signing (its hash does not match the claim)',
  'assertion.missing': 'an assertion the claim lists is missing',
  'assertion.dataHash.match': 'the file\'s bytes match the hash the claim recorded',
  'assertion.dataHash.mismatch': 'the file\'s bytes were changed after signing (hard-binding hash mismatch)',
  'assertion.dataHash.malformed': 'the hard-binding data hash is malformed',
  'assertion.bmffHash.match': 'the file\'s boxes match the hash the claim recorded',
  'assertion.bmffHash.mismatch': 'the file\'s boxes were changed after signing (BMFF hash mismatch)',
  'assertion.multipleHardBindings': 'the claim has more than one hard binding',
  'assertion.undeclared': 'an assertion is present that the claim does not list',
  'assertion.inaccessible': 'an assertion could not be read',
  'assertion.cbor.invalid': 'an assertion is not valid CBOR',
  'assertion.json.invalid': 'an assertion is not valid JSON',
  'assertion.action.malformed': 'an action is malformed',
  'assertion.action.ingredientMismatch': 'an action names an ingredient that does not match',
  'claim.missing': 'the manifest has no claim',
  'claim.multiple': 'the manifest has more than one claim',
  'claim.hardBindings.missing': 'the claim binds no bytes of the file (no hard binding)',
  'claim.malformed': 'the claim is malformed',
  'manifest.inaccessible': 'a manifest could not be read',
  'manifest.multipleParents': 'the manifest has more than one parent ingredient',
  'ingredient.hashedURI.mismatch': 'an ingredient\'s manifest does not match its recorded hash',
  'ingredient.unknownProvenance': 'an ingredient has no credentials of its own (unknown provenance)',
  'algorithm.unsupported': 'the signature or hash algorithm is not supported',
  'general.error': 'the credentials could not be validated',
};
