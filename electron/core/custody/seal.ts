// `evidence seal` (issue #12 §3): signs the custody chain's head and its Merkle root, records the
// seal as a custody event and keeps a copy under seals/, so that a chain rewritten or cut by
// someone without the key no longer matches a seal (docs/seal-and-proof.md).
import type { Db } from '../db/open.ts';
import { archiveId, pseudonymKey } from '../db/settings.ts';
import { stmt } from '../db/stmt.ts';
import { GENESIS_HASH, verifyChain } from './hash.ts';
import { appendCustodyEvent, chainHead } from './log.ts';
import { parseOpenSshPublicKey, openSshPublicKey, sshFingerprint } from '../signing/sshsig.ts';
import {
  SEAL_EVENT_TYPE, SEAL_FORMAT, SEAL_NAMESPACE, SealError, sealSignedBytes, sealSignerOf,
  type Seal, type SealSigner, type SealTimestamp,
} from './seal-format.ts';
import { readSealEvents, writeSealFile } from './seal-store.ts';
import { verifySeals, type SealProblem } from './seal-verify.ts';
import { custodyTreeRoot } from './tree.ts';
import type { CustodyEvent } from '../../common/types.ts';

export * from './seal-format.ts';
export { verifySeals, type SealsReport, type SealStatus, type SealProblem, type VerifySealsOptions } from './seal-verify.ts';

/**
 * The archive's seals or its chain since the last seal do not hold, so a new seal would vouch for
 * a chain that was changed: nothing was sealed. `problems` names each (the seal's row, why).
 */
export class SealRefusedError extends Error {
  constructor(readonly problems: SealProblem[]) {
    super(`the custody chain is not sealed, because it no longer matches what was sealed or recorded: ${problems.slice(0, 3).map((p) => `row ${p.seq}: ${p.reason}`).join('; ')}` +
      `${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}; run \`evidence verify\``);
    this.name = 'SealRefusedError';
  }
}

export interface SealOptions {
  /**
   * RFC 3161 tokens over the seal's signed bytes (sealSignedBytes), one per TSA; called after
   * signing, before the seal is recorded. It should report a TSA that fails itself and return the
   * others (or []): a throw aborts the seal, and nothing is recorded.
   */
  timestamp?: (signedBytes: Buffer) => Promise<SealTimestamp[]>;
  /** The clock (tests). */
  now?: () => Date;
}

/** Rows after `from` (exclusive) chain on from it: recomputed in batches, streaming. */
function chainProblemsAfter(db: Db, from: { seq: number; hash: string }): SealProblem[] {
  const problems: SealProblem[] = [];
  let prev = from.hash;
  let batch: CustodyEvent[] = [];
  const flush = () => {
    if (!batch.length) return;
    for (const p of verifyChain(batch, prev)) problems.push({ seq: p.seq, reason: `custody row ${p.seq}: ${p.reason}` });
    prev = batch[batch.length - 1]!.hash;
    batch = [];
  };
  let expect = from.seq + 1;
  for (const r of stmt(db, 'SELECT seq, at, actor, type, item, detail, prev_hash, hash FROM custody_events WHERE seq > ? ORDER BY seq').iterate(from.seq) as Iterable<{ seq: number; at: string; actor: string; type: string; item: string | null; detail: string; prev_hash: string; hash: string }>) {
    if (r.seq !== expect) problems.push({ seq: r.seq, reason: `custody row ${expect} is missing` });
    expect = r.seq + 1;
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(r.detail) as Record<string, unknown>;
    } catch {
      problems.push({ seq: r.seq, reason: `custody row ${r.seq}: detail is not valid JSON` });
      continue;
    }
    batch.push({ seq: r.seq, at: r.at, actor: r.actor, type: r.type as CustodyEvent['type'], item: r.item, detail, prevHash: r.prev_hash, hash: r.hash });
    if (batch.length >= 1000) flush();
  }
  flush();
  return problems;
}

/** The seal to return instead of a new one: the head is one of a run of seal events, one of them by this key. */
function existingSeal(events: ReturnType<typeof readSealEvents>, headSeq: number, fingerprint: string | null): Seal | null {
  let at = headSeq;
  for (let i = events.length - 1; i >= 0 && events[i]!.eventSeq === at; i--, at--) {
    const s = events[i]!.seal;
    // With no key, any seal of the head will do: a signed one vouches for more than an unsigned one would.
    if (s && (fingerprint === null || s.signer?.fingerprint === fingerprint)) return s;
  }
  return null;
}

/**
 * Seals the custody chain's current head, rows 1..N (docs/seal-and-proof.md "The seal"): computes
 * the Merkle root over rows 1..N (custodyTreeRoot: streaming, memory O(distinct items)), signs
 * the seal with `signer` in namespace SEAL_NAMESPACE (unsigned when `signer` is null: it then
 * proves nothing against a forger, and verifiers say "not sealed"), time-stamps it when
 * `opts.timestamp` is given, appends the custody event (type "digital signature generation", item
 * null, seq N + 1, detail `{ action: "seal", seal }`, plus `firstUseOfKey: true` on the first seal
 * by this key in this archive: that event records the key's public key and fingerprint), and then
 * writes seals/<N>.json durably (writeSealFile). The archive id (setting `archive.id`) is made on
 * the first seal.
 *
 * When the head is already sealed by the same key (only seal events since: nothing new), that
 * seal is returned and nothing is added; with `signer` null, any seal of the head is. Before
 * sealing, the existing seals are checked (verifySeals without roots) and the rows after the last
 * seal are recomputed; when something does not hold, SealRefusedError is thrown and nothing is
 * sealed, so a seal never vouches for a changed chain. A seal event whose copy under seals/ is
 * missing (a crash between the commit and the file) gets its copy written again.
 *
 * The chain is read in one read transaction; the event is appended in a write transaction only if
 * the head is still the one sealed (else it is sealed again, up to 3 times). The file is written
 * after the commit. Returns the seal. Throws SealRefusedError; SealError when the signer's key is
 * not Ed25519 or its signature does not hold; Error when the archive has no secret or the head
 * kept changing; fs errors from writing the file (the event is then recorded and the next call
 * writes the copy); SqliteError (read-only catalog, full disk).
 */
export async function sealChain(db: Db, archiveDir: string, signer: SealSigner | null, actor: string, opts: SealOptions = {}): Promise<Seal> {
  let signerInfo: Seal['signer'];
  if (signer) {
    let raw: Buffer;
    try {
      raw = parseOpenSshPublicKey(signer.publicKeyLine);
    } catch (e) {
      throw new SealError(`the signing key cannot be used for a seal: ${(e as Error).message}`);
    }
    const fp = sshFingerprint(raw);
    if (fp !== signer.fingerprint) throw new SealError(`the signing key's fingerprint is ${fp}, not the ${signer.fingerprint} it was given as`);
    signerInfo = { fingerprint: fp, publicKey: openSshPublicKey(raw) };
  }
  const secret = Buffer.from(pseudonymKey(db), 'hex');
  if (secret.length !== 32) throw new Error('settings register.pseudonym_key is not 32 bytes of hex: the archive\'s secret was changed');
  for (let attempt = 1; ; attempt++) {
    const plan = db.transaction(() => {
      const head = chainHead(db) ?? { seq: 0, hash: GENESIS_HASH };
      const report = verifySeals(db, archiveDir, { noRoots: true });
      const repairs: Seal[] = [];
      const blocking: SealProblem[] = [];
      for (const st of report.seals) {
        const mine = report.problems.filter((p) => p.seq === st.seq);
        if (st.eventSeq !== null && st.file === null && mine.length === 1) {
          repairs.push(readSealEvents(db, st.eventSeq).find((e) => e.eventSeq === st.eventSeq)!.seal!);
        } else blocking.push(...mine);
      }
      // Problems of no listed seal (an unreadable event or file).
      const listed = new Set(report.seals.map((s) => s.seq));
      blocking.push(...report.problems.filter((p) => !listed.has(p.seq)));
      const events = readSealEvents(db, head.seq).filter((e) => e.seal);
      const last = events[events.length - 1];
      blocking.push(...chainProblemsAfter(db, last ? { seq: last.eventSeq - 1, hash: last.seal!.head } : { seq: 0, hash: GENESIS_HASH }));
      if (blocking.length) throw new SealRefusedError(blocking.sort((a, b) => a.seq - b.seq));
      const existing = existingSeal(events, head.seq, signerInfo?.fingerprint ?? null);
      if (existing) return { kind: 'existing', existing, repairs } as const;
      const firstUseOfKey = signerInfo !== undefined && !events.some((e) => e.seal!.signer?.fingerprint === signerInfo.fingerprint);
      return { kind: 'new', head, root: custodyTreeRoot(db, head.seq, secret), firstUseOfKey, repairs } as const;
    })();
    for (const s of plan.repairs) await writeSealFile(archiveDir, s);
    if (plan.kind === 'existing') return plan.existing;

    const id = archiveId(db) ?? db.transaction(() => archiveId(db, { create: true })).immediate()!;
    const seal: Seal = {
      format: SEAL_FORMAT, archiveId: id, seq: plan.head.seq, head: plan.head.hash, leafCount: plan.head.seq, merkleRoot: plan.root,
      sealedAt: (opts.now?.() ?? new Date()).toISOString(), ...(signerInfo ? { signer: signerInfo } : {}),
    };
    if (signer) {
      seal.signature = signer.signSshsig(sealSignedBytes(seal), SEAL_NAMESPACE);
      sealSignerOf(seal); // a signer that signs with another key, or not over these bytes, is found here, not by a verifier
    }
    if (opts.timestamp) {
      const tokens = await opts.timestamp(sealSignedBytes(seal));
      if (tokens.length) seal.timestamps = tokens;
    }
    const recorded = db.transaction(() => {
      const now = chainHead(db) ?? { seq: 0, hash: GENESIS_HASH };
      if (now.seq !== plan.head.seq || now.hash !== plan.head.hash) return false;
      appendCustodyEvent(db, { actor, type: SEAL_EVENT_TYPE, item: null, detail: { action: 'seal', seal, ...(plan.firstUseOfKey ? { firstUseOfKey: true } : {}) } });
      return true;
    }).immediate();
    if (!recorded) {
      if (attempt >= 3) throw new Error('the custody log kept growing while it was being sealed; try again');
      continue;
    }
    await writeSealFile(archiveDir, seal);
    return seal;
  }
}

/** The keys that have sealed this archive: fingerprint, public key, and the row of their first seal. */
export function sealKeys(db: Db): { fingerprint: string; publicKey: string; firstSeq: number }[] {
  const out = new Map<string, { fingerprint: string; publicKey: string; firstSeq: number }>();
  for (const e of readSealEvents(db)) {
    const s = e.seal?.signer;
    if (s && !out.has(s.fingerprint)) out.set(s.fingerprint, { fingerprint: s.fingerprint, publicKey: s.publicKey, firstSeq: e.eventSeq });
  }
  return [...out.values()];
}
