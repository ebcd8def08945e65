// The verdict VERIFY.html shows first, judged as `evidence verify-bag` judges it
// (electron/core/verify/bag-trust.ts verdictOf), so that the page and the command give the same
// answer on the same set: "invalid" when any check fails or the set is signed with another key
// than the one the user was given; "intact-unproven" when every file is intact but something that
// would prove who made the set, when, or that its history is complete is missing; "valid" only
// when it is signed with the key the user was given, sealed, and time-stamped.

import type { MsgKey } from './messages.ts';
import type { VerifyReport } from './verify.ts';

/** The same three levels as verify-bag's `verdict.level`. */
export type VerdictLevel = 'valid' | 'intact-unproven' | 'invalid';

export interface Verdict {
  level: VerdictLevel;
  /** The headline's message. */
  key: MsgKey;
  params?: Record<string, string | number>;
  /** For "intact-unproven": what is missing, one message each, in verify-bag's order. */
  missing: MsgKey[];
  /** Whether the fingerprint the user typed is the signer's: null when none was typed or the set is not signed. */
  expectedMatches: boolean | null;
}

/**
 * Whether `expected` (what the user typed: an OpenSSH fingerprint "SHA256:…", with or without the
 * prefix and base64 padding, or a 40-hex OpenPGP fingerprint, spaces allowed) names `signer`, as
 * verify-bag --expect-key compares them. Null when nothing was typed.
 */
export function expectedMatches(expected: string, signer: NonNullable<VerifyReport['signer']>): boolean | null {
  const want = expected.trim();
  if (want === '') return null;
  const hex = want.replace(/\s+/gu, '').toUpperCase();
  if (/^[0-9A-F]{40}$/u.test(hex)) return hex === signer.openPgpFingerprint;
  const t = want.replace(/\s+/gu, '').replace(/=+$/u, '');
  return (/^SHA256:/iu.test(t) ? `SHA256:${t.slice(7)}` : `SHA256:${t}`) === signer.fingerprint;
}

/** The verdict on report `r` with the fingerprint the user typed (`expected`, '' for none). */
export function verdictOf(r: VerifyReport, expected: string): Verdict {
  const matches = r.signer ? expectedMatches(expected, r.signer) : null;
  if (r.failed) return { level: 'invalid', key: 'verdict.invalid', missing: [], expectedMatches: matches };
  if (matches === false) return { level: 'invalid', key: 'verdict.wrongKey', missing: [], expectedMatches: false };
  // A fingerprint typed for a set that carries no signature: the sender said it would be signed.
  if (!r.signer && expected.trim() !== '') return { level: 'invalid', key: 'verdict.expectedUnsigned', missing: [], expectedMatches: false };
  const missing: MsgKey[] = [];
  if (!r.signed) missing.push('verdict.missingUnsigned');
  if (!r.sealed) missing.push('verdict.missingUnsealed');
  if (r.signed && matches !== true) missing.push('verdict.missingUnpinned');
  if (r.timestamps.length === 0) missing.push('verdict.missingTimestamp');
  if (missing.length) return { level: 'intact-unproven', key: 'verdict.incomplete', missing, expectedMatches: matches };
  return { level: 'valid', key: 'verdict.valid', params: { time: [...r.timestamps].sort()[0] ?? '' }, missing: [], expectedMatches: true };
}
