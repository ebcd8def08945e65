// Who made a received evidence set, when it existed, and whether its custody history is complete:
// the checks beyond BagIt integrity (issue 12 §5), each a line a non-technical reader can follow,
// and one verdict. Integrity alone (verifyBag's problems) says the set is as its sender sealed it;
// these say who that sender was, and whether anyone should believe the date and the history.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyBagSignatures } from '../signing/bag-signature.ts';
import { verifyBagTimestamps } from '../timestamp/bag.ts';
import { verifyExcerptProof } from '../custody/excerpt-proof.ts';
import { sealSignedBytes, type Seal } from '../custody/seal-format.ts';
import { verifyTimestampToken } from '../timestamp/verify.ts';
import { verifyBag, type BagReport } from './bag.ts';
import type { Said, SaidParams } from '../../common/said.ts';

/** One line of the verdict: what was checked, whether it holds, and why in words. */
export interface TrustCheck {
  /** Short name: "integrity", "signature", "signer", "timestamp 1", "custody completeness", … */
  name: string;
  /**
   * What `name` says, as a stable code for readers in other languages: files, signature, signer,
   * signature-file (params.file: allowed_signers, sshsig, openpgp), timestamp (params.n when
   * numbered), timestamps, custody-seal, seal-timestamp (params.n).
   */
  code: string;
  params: SaidParams;
  ok: boolean;
  /** The English sentence; kept word for word (tests and outside readers read it). */
  detail: string;
  /** What `detail` says, as stable codes and their values; a reader joins their sentences with "; ". */
  said: Said[];
  /** A check that holds but is not the whole answer (a key not pinned, no timestamp): said, never shown as plainly valid. */
  warning?: boolean;
}

/** The check code and name values of a signature check (SignatureCheck.name), as TrustCheck.code says. */
function checkCode(name: string): { code: string; params: SaidParams } {
  if (name === 'signer' || name === 'signature') return { code: name, params: {} };
  return { code: 'signature-file', params: { file: name } };
}

/** A sentence that exists only in English: code "text", the sentence in params.text. */
function english(text: string): Said {
  return { code: 'text', params: { text } };
}

/**
 * The verdict: its level, the English sentence (kept word for word), and the same as a stable
 * code with its values, plus `said`: why (the failed check's sentences for verdict.invalid-check,
 * what is missing for verdict.intact-unproven: missing.not-signed, missing.not-sealed,
 * missing.unpinned, missing.no-timestamp), for readers in other languages.
 */
export interface Verdict {
  level: VerdictLevel;
  sentence: string;
  code: string;
  params: SaidParams;
  said: Said[];
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
  // An unsigned set is not a broken one: it is said plainly, as a warning, and the verdict is never "valid".
  // With --expect-key the recipient was told the set is signed: then no signature is a failure.
  if (sig.status === 'not-signed') checks.push({ name: 'signature', code: 'signature', params: {}, said: sig.checks[0] ? [sig.checks[0].said] : [], ok: !opts.expectKey, ...(opts.expectKey ? {} : { warning: true }), detail: sig.checks[0]?.detail ?? 'not signed' });
  else for (const c of sig.checks) checks.push({ name: c.name === 'signer' ? 'signer' : `signature (${c.name})`, ...checkCode(c.name), said: [c.said], ok: c.ok, detail: c.detail, ...(c.warning ? { warning: true } : {}) });

  const stamps = await verifyBagTimestamps(bagDir, { caPem: opts.tsaCaPem });
  const timestamps: BagTrust['timestamps'] = [];
  for (const t of stamps) {
    if (t.absent) {
      // Documenters are often offline: a set without a token is intact, and says plainly that nothing dates it.
      checks.push({ name: 'timestamp', code: 'timestamp', params: {}, said: t.said, ok: true, warning: true, detail: t.detail });
      continue;
    }
    const n = /^timestamp (\d+)$/u.exec(t.name)?.[1];
    checks.push({ name: t.name, code: n ? 'timestamp' : 'timestamps', params: n ? { n: Number(n) } : {}, said: t.said, ok: t.ok, detail: t.detail });
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
    // The proof cannot show that an event was not moved into withheldSeqs; only a signature over the
    // bag by the seal's own key covers that list (docs/seal-and-proof.md, "What the proof does not
    // show"). An archive that seals also signs, so a sealed set without that signature was altered.
    const sealProblems = [...v.problems];
    const sealSaid: Said[] = v.problems.map((p, i) => v.said[i] ?? english(p));
    if (v.sealed && v.signer && sig.status === 'not-signed') {
      sealProblems.push(`the custody history is sealed by ${v.signer.fingerprint}, but the set carries no signature: an archive that seals also signs, so the set's signatures were removed`);
      sealSaid.push({ code: 'seal.unsigned-set', params: { fingerprint: v.signer.fingerprint } });
    } else if (v.sealed && v.signer && sig.signer && v.signer.fingerprint !== sig.signer.fingerprint) {
      sealProblems.push(`the custody history was sealed by ${v.signer.fingerprint}, but the set is signed by ${sig.signer.fingerprint}: the set was re-made by someone other than the archive that sealed it`);
      sealSaid.push({ code: 'seal.other-signer', params: { sealer: v.signer.fingerprint, signer: sig.signer.fingerprint } });
    }
    sealed = v.sealed && sealProblems.length === 0;
    if (!v.sealed && sealProblems.length === 0) {
      checks.push({ name: 'custody seal', code: 'custody-seal', params: {}, said: [{ code: 'seal.none', params: {} }], ok: true, warning: true, detail: 'the custody history is not sealed: nothing but the sender\'s word shows that no event about these items was left out' });
    } else {
      const headSeq = (excerpt as { chainHead?: { seq?: number } }).chainHead?.seq ?? '?';
      checks.push({ name: 'custody seal', code: 'custody-seal', params: {}, ok: sealed,
        said: sealProblems.length ? sealSaid : [v.signer ? { code: 'seal.ok-by', params: { seq: headSeq, fingerprint: v.signer.fingerprint } } : { code: 'seal.ok', params: { seq: headSeq } }],
        detail: sealProblems.length ? sealProblems.join('; ')
        : `the custody history is sealed at row ${(excerpt as { chainHead?: { seq?: number } }).chainHead?.seq ?? '?'}${v.signer ? ` by ${v.signer.fingerprint}` : ''}, and the proof shows no event about these items was removed, added, reordered or edited` });
    }
    // The proof cannot show that an event was not moved into withheldSeqs; only a signature over the
    // bag by the seal's own key covers that list (docs/seal-and-proof.md, "What the proof does not show").
    // A seal may carry RFC 3161 tokens over its own signed bytes: they date the archive's history.
    const seal = (excerpt as { seal?: Seal }).seal;
    for (const [i, t] of (v.sealed && Array.isArray(seal?.timestamps) ? seal!.timestamps! : []).entries()) {
      let bytes: Buffer;
      try {
        bytes = sealSignedBytes(seal!);
      } catch {
        break; // the seal check above has said what is wrong with it
      }
      const r = await verifyTimestampToken(Buffer.from(String(t.token), 'base64'), bytes, { caPem: opts.tsaCaPem });
      const said: Said[] = r.ok
        ? [{ code: r.trustedBy === 'given-ca' ? 'seal-timestamp.ok' : 'seal-timestamp.ok-own-chain', params: { tsa: r.tsaName ?? String(t.tsa), genTime: r.genTime ?? '' } }]
        : [{ code: 'seal-timestamp.bad', params: { tsa: String(t.tsa) } }, { code: `token.${r.code ?? 'unknown'}`, params: { ...r.params } }];
      checks.push({ name: `seal timestamp ${i + 1}`, code: 'seal-timestamp', params: { n: i + 1 }, said, ok: r.ok, detail: r.ok
        ? `the custody seal was time-stamped by ${r.tsaName ?? t.tsa} at ${r.genTime}${r.trustedBy === 'given-ca' ? '' : ' (trusted only by the chain the token carries: give --tsa-ca to check it against a root you trust)'}`
        : `the custody seal's timestamp from ${t.tsa} does not hold: ${r.reason}` });
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
export function verdictOf(integrityProblems: number, trust: BagTrust): Verdict {
  const failed = trust.checks.filter((c) => !c.ok);
  if (integrityProblems > 0) {
    return { level: 'invalid', code: 'verdict.invalid-files', params: {}, said: [], sentence: 'INVALID: this set is not as it was made: a file, a manifest or its custody history was changed, added or removed. Do not rely on it; ask the sender for a new copy.' };
  }
  const notSigned = trust.signatureStatus === 'not-signed';
  if (failed.length) {
    return { level: 'invalid', code: 'verdict.invalid-check', params: { check: failed[0]!.code, ...failed[0]!.params }, said: failed[0]!.said, sentence: `INVALID: ${failed[0]!.detail.replace(/\.$/u, '')}. Do not rely on this set; ask the sender for a new copy.` };
  }
  const missing: string[] = [];
  const said: Said[] = [];
  if (notSigned) {
    missing.push('it is not signed, so nothing shows who made it');
    said.push({ code: 'missing.not-signed', params: {} });
  }
  if (!trust.sealed) {
    missing.push('its custody history is not sealed');
    said.push({ code: 'missing.not-sealed', params: {} });
  }
  if (trust.signatureStatus === 'unpinned') {
    missing.push(`it is signed by ${trust.signer?.fingerprint}, a key you have not pinned: compare it with the fingerprint the sender gave you, then run again with --expect-key`);
    said.push({ code: 'missing.unpinned', params: { fingerprint: String(trust.signer?.fingerprint) } });
  }
  if (!trust.timestamps.length) {
    missing.push('no trusted timestamp shows when it existed');
    said.push({ code: 'missing.no-timestamp', params: {} });
  }
  if (missing.length) {
    return { level: 'intact-unproven', code: 'verdict.intact-unproven', params: {}, said, sentence: `INTACT, NOT FULLY PROVEN: every file is as listed, but ${missing.join('; ')}.` };
  }
  const time = trust.timestamps.map((t) => t.genTime).filter(Boolean).sort()[0];
  return { level: 'valid', code: 'verdict.valid', params: { fingerprint: trust.signer!.fingerprint, count: trust.timestamps.length, ...(time ? { time } : {}) }, said: [], sentence: `VALID: every file is as listed, signed by ${trust.signer!.fingerprint} (the key you expected), the custody history is sealed and complete, and ${trust.timestamps.length === 1 ? 'a timestamp shows' : 'timestamps show'} it existed by ${trust.timestamps.map((t) => t.genTime).filter(Boolean).sort()[0] ?? 'the time given'}.` };
}

/** A problem of a received set: verifyBag's, or a failed trust check (code check.failed) with that check's sentences in `said`. */
export type ReceivedSetProblem = BagReport['problems'][number] & { said?: Said[] };

/** verifyBag's report with the trust checks, one line per check, and the verdict (issue 12 §5). */
export interface ReceivedSetReport extends BagReport {
  problems: ReceivedSetProblem[];
  /** One line per check: the bag's integrity first, then signatures, timestamps, custody seal. */
  checks: TrustCheck[];
  verdict: Verdict;
  signer: BagTrust['signer'];
  signatureStatus: BagTrust['signatureStatus'];
  sealed: boolean;
  timestamps: BagTrust['timestamps'];
}

/**
 * Everything a recipient checks on a received evidence set: BagIt integrity and the evidence
 * checks (verifyBag), then who signed it, its timestamps and its custody seal (checkBagTrust),
 * and the verdict (verdictOf). `valid` is true only when no check failed; a set that is intact
 * but not signed, not sealed, not time-stamped or signed by a key not pinned has `valid` true and
 * verdict "intact-unproven". Throws as verifyBag does (a folder that cannot be read; the abort).
 */
export async function verifyReceivedSet(dir: string, opts: { signal?: AbortSignal; expectKey?: string; tsaCaPem?: string } = {}): Promise<ReceivedSetReport> {
  const report = await verifyBag(dir, { signal: opts.signal });
  let setItems: string[] = [];
  try {
    const items = JSON.parse(await readFile(join(report.bagDir, 'evidence', 'items.json'), 'utf8')) as unknown;
    // A redacted copy (export --redacted-media) stands for its original in the custody log, and so in the seal's proof.
    if (Array.isArray(items)) setItems = items.map((i) => (i as { redactedFrom?: { sha256?: unknown } })?.redactedFrom?.sha256 ?? (i as { sha256?: unknown })?.sha256).filter((s): s is string => typeof s === 'string');
  } catch {
    // verifyBag has reported it; the proof then has no items to cover.
  }
  const trust = await checkBagTrust(report.bagDir, { expectKey: opts.expectKey, tsaCaPem: opts.tsaCaPem, setItems });
  const first = report.problems[0];
  const where = first ? [first.file, first.seq !== undefined ? `custody row ${first.seq}` : undefined].filter(Boolean).join(' ') : '';
  const integrity: TrustCheck = first
    ? { name: 'files', code: 'files', params: {}, said: [{ code: 'files.problems', params: { count: report.problems.length } }], ok: false, detail: `${report.problems.length} problem(s), the first: ${where ? `${where}: ` : ''}${first.reason}` }
    : { name: 'files', code: 'files', params: {}, said: [{ code: 'files.ok', params: { files: report.payloadFiles, bytes: report.payloadBytes } }], ok: true, detail: `${report.payloadFiles} payload file(s), ${report.payloadBytes} bytes: every file matches its manifests, and the tag files agree with each other` };
  const verdict = verdictOf(report.problems.length, trust);
  const failedTrust = trust.checks.filter((c) => !c.ok);
  // A failed trust check is a problem too: code check.failed, the check's code and values in params, its sentences in said.
  const problems: ReceivedSetProblem[] = [...report.problems, ...failedTrust.map((c) => ({ reason: `${c.name}: ${c.detail}`, code: 'check.failed', params: { check: c.code, ...c.params }, said: c.said }))];
  return {
    ...report, problems, valid: problems.length === 0,
    checks: [integrity, ...trust.checks], verdict, signer: trust.signer, signatureStatus: trust.signatureStatus, sealed: trust.sealed, timestamps: trust.timestamps,
  };
}
