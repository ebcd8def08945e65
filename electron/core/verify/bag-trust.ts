// Who made a received evidence set, when it existed, and whether its custody history is complete:
// the checks beyond BagIt integrity (issue 12 §5), each a line a non-technical reader can follow,
// and one verdict. Integrity alone (verifyBag's problems) says the set is as its sender sealed it;
// these say who that sender was, and whether anyone should believe the date and the history.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyBagSignatures } from '../signing/bag-signature.ts';
import { verifyBagTimestamps } from '../timestamp/bag.ts';
import { verifyExcerptProof } from '../custody/excerpt-proof.ts';

/** One line of the verdict: what was checked, whether it holds, and why in words. */
export interface TrustCheck {
  /** Short name: "integrity", "signature", "signer", "timestamp 1", "custody completeness", … */
  name: string;
  ok: boolean;
  detail: string;
  /** A check that holds but is not the whole answer (a key not pinned, no timestamp): said, never shown as plainly valid. */
  warning?: boolean;
}

/** The overall answer, for a person: see verdictOf. */
export type VerdictLevel = 'valid' | 'intact-unproven' | 'invalid';

export interface BagTrust {
  checks: TrustCheck[];
  signer: { fingerprint: string; identity: string; openPgpFingerprint?: string } | null;
  /** not-signed | invalid | unpinned | pinned, as verifyBagSignatures says. */
  signatureStatus: 'not-signed' | 'invalid' | 'unpinned' | 'pinned';
  sealed: boolean;
  /** Valid timestamp tokens found, with their times. */
  timestamps: { name: string; genTime?: string }[];
}

export interface TrustOptions {
  /** The signer's fingerprint the recipient expects ("SHA256:…", or the OpenPGP 40-hex): --expect-key. */
  expectKey?: string;
  /** PEM of the TSA roots the recipient trusts: --tsa-ca. Without it a token is checked against the chain the bag carries. */
  tsaCaPem?: string;
  /** The SHA-256 of every item of the set (from items.json), for the completeness proof. */
  setItems: readonly string[];
}

/**
 * Checks the signatures (signatures/: SSHSIG and OpenPGP over tagmanifest-sha256.txt,
 * verifyBagSignatures), every RFC 3161 token (RFC 3161 §2.4.2, verifyBagTimestamps) and the
 * custody excerpt's seal and completeness proof (docs/seal-and-proof.md, verifyExcerptProof) of
 * the bag at `bagDir`. Whether the tag manifest itself matches the bag is verifyBag's part; a
 * signature over a tag manifest that does not match proves nothing, which verdictOf accounts for.
 * Never throws for a bad bag: an unreadable file is a failed check.
 */
export async function checkBagTrust(bagDir: string, opts: TrustOptions): Promise<BagTrust> {
  const checks: TrustCheck[] = [];
  const sig = await verifyBagSignatures(bagDir, { expectKey: opts.expectKey });
  for (const c of sig.checks) checks.push({ name: c.name === 'signer' ? 'signer' : `signature (${c.name})`, ok: c.ok, detail: c.detail, ...(c.warning ? { warning: true } : {}) });

  const stamps = await verifyBagTimestamps(bagDir, { caPem: opts.tsaCaPem });
  const timestamps: BagTrust['timestamps'] = [];
  for (const t of stamps) {
    if (t.absent) {
      // Documenters are often offline: a set without a token is intact, and says plainly that nothing dates it.
      checks.push({ name: 'timestamp', ok: true, warning: true, detail: t.detail });
      continue;
    }
    checks.push({ name: t.name, ok: t.ok, detail: t.detail });
    if (t.ok) timestamps.push({ name: t.name, genTime: /(\d{4}-\d\d-\d\dT[0-9:.]+Z)/u.exec(t.detail)?.[1] });
  }

  let sealed = false;
  let excerpt: unknown = null;
  try {
    excerpt = JSON.parse(await readFile(join(bagDir, 'evidence', 'custody.json'), 'utf8'));
  } catch {
    // verifyBag reports a missing or unreadable excerpt; there is no history to judge here.
  }
  if (excerpt && typeof excerpt === 'object') {
    const v = verifyExcerptProof(excerpt as Parameters<typeof verifyExcerptProof>[0], opts.setItems);
    sealed = v.sealed;
    if (!v.sealed && v.problems.length === 0) {
      checks.push({ name: 'custody seal', ok: false, detail: 'the custody history is not sealed: nothing but the sender\'s word shows that no event about these items was left out' });
    } else {
      checks.push({ name: 'custody seal', ok: v.problems.length === 0 && v.sealed, detail: v.problems.length ? v.problems.join('; ')
        : `the custody history is sealed at row ${(excerpt as { chainHead?: { seq?: number } }).chainHead?.seq ?? '?'}${v.signer ? ` by ${v.signer}` : ''}, and the proof shows no event about these items was removed, added, reordered or edited` });
    }
    if (v.signer && sig.signer && v.signer !== sig.signer.fingerprint) {
      checks.push({ name: 'custody seal', ok: false, detail: `the custody history was sealed by ${v.signer}, but the set is signed by ${sig.signer.fingerprint}: the set was re-made by someone else` });
    }
  }
  return { checks, signer: sig.signer ?? null, signatureStatus: sig.status, sealed, timestamps };
}

/**
 * The verdict a non-technical reader needs, from the integrity problems verifyBag found and the
 * trust checks: "invalid" when anything fails (a changed file, a broken signature, a signer other
 * than the expected one, a history with a gap); "intact-unproven" when every file is as listed
 * but something that would prove who made the set, when, or that its history is complete is
 * missing (not signed, not sealed, a key nobody pinned, no timestamp); "valid" only when all hold.
 */
export function verdictOf(integrityProblems: number, trust: BagTrust): { level: VerdictLevel; sentence: string } {
  const failed = trust.checks.filter((c) => !c.ok);
  const warned = trust.checks.filter((c) => c.ok && c.warning);
  if (integrityProblems > 0) {
    return { level: 'invalid', sentence: 'INVALID: this set is not as it was made: files were changed, added or removed. Do not rely on it; ask the sender for a new copy.' };
  }
  const notSigned = trust.signatureStatus === 'not-signed';
  const realFailures = failed.filter((c) => !(notSigned && c.name.startsWith('signature')) && !(c.name === 'custody seal' && !trust.sealed && /not sealed/u.test(c.detail)));
  if (realFailures.length) {
    return { level: 'invalid', sentence: `INVALID: ${realFailures[0]!.detail}. Do not rely on this set; ask the sender for a new copy.` };
  }
  const missing: string[] = [];
  if (notSigned) missing.push('it is not signed, so nothing shows who made it');
  if (!trust.sealed) missing.push('its custody history is not sealed');
  if (trust.signatureStatus === 'unpinned') missing.push(`it is signed by ${trust.signer?.fingerprint}, a key you have not pinned: compare it with the fingerprint the sender gave you, then run again with --expect-key`);
  if (!trust.timestamps.length) missing.push('no trusted timestamp shows when it existed');
  if (missing.length) {
    return { level: 'intact-unproven', sentence: `INTACT, NOT FULLY PROVEN: every file is as listed, but ${missing.join('; ')}.` };
  }
  void warned;
  return { level: 'valid', sentence: `VALID: every file is as listed, signed by ${trust.signer!.fingerprint} (the key you expected), the custody history is sealed and complete, and ${trust.timestamps.length === 1 ? 'a timestamp shows' : 'timestamps show'} it existed by ${trust.timestamps.map((t) => t.genTime).filter(Boolean).sort()[0] ?? 'the time given'}.` };
}
