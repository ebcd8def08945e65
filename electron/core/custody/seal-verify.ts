// `evidence verify`'s check of the seals: each seal, from the custody log and from seals/, must
// still match the chain it sealed, so that a chain rewritten or cut by someone without the key is
// found, and named by the first seal it breaks.
import type { Db } from '../db/open.ts';
import { archiveId, pseudonymKey } from '../db/settings.ts';
import { stmt } from '../db/stmt.ts';
import { canonicalJson } from './canonical-json.ts';
import { GENESIS_HASH } from './hash.ts';
import { sealFileName, sealSignerOf, type Seal, type SealSignerInfo } from './seal-format.ts';
import { readSealEvents, readSealFiles } from './seal-store.ts';
import { custodyTreeRoot } from './tree.ts';

/** One seal as `verifySeals` found it. */
export interface SealStatus {
  /** The last row it seals (N). */
  seq: number;
  /** Its custody event's seq (N + 1), or null when the log holds none. */
  eventSeq: number | null;
  /** Its file, relative to the archive ("seals/0000000812.json"), or null when there is none. */
  file: string | null;
  signed: boolean;
  signer: SealSignerInfo | null;
  sealedAt: string | null;
  /** True when its Merkle root was recomputed from the catalog and matched. */
  rootChecked: boolean;
  /** True when nothing is wrong with it. */
  holds: boolean;
}

/** Something wrong with the seal of row `seq`. */
export interface SealProblem {
  seq: number;
  reason: string;
}

export interface SealsReport {
  seals: SealStatus[];
  problems: SealProblem[];
  /** The row of the first seal with a problem (the first seal the change breaks), or null. */
  firstBroken: number | null;
  /** The last row of the custody log when checked (0 for an empty log). */
  chainEnd: number;
}

export interface VerifySealsOptions {
  /** Fingerprints ("SHA256:…") of the keys the archive's seals must be signed by; a seal by any other key is a problem. */
  trustedFingerprints?: readonly string[];
  /**
   * Recompute the Merkle root of every seal that otherwise holds, not only of the latest: one
   * pass over rows 1..N per seal. The latest seal's root always is (one pass over its rows).
   */
  allRoots?: boolean;
  /** Skip the Merkle roots (sealChain's check before sealing). */
  noRoots?: boolean;
}

const same = (a: Seal, b: Seal) => canonicalJson(a) === canonicalJson(b);

/**
 * Checks every seal of the archive (docs/seal-and-proof.md), from its custody events and from the
 * files under `archiveDir`/seals/, against the catalog `db`:
 * - a seal event and its file agree; a file whose event is not in the log (row N + 1 is something
 *   else: the event was removed and the chain after it rewritten, or the catalog replaced), and an
 *   event whose file is missing, are problems; so is a seal event not right after the row it seals;
 * - each seal names this catalog's archive id; its signature holds (sealSignerOf) and, with
 *   `trustedFingerprints`, is by one of those keys; an unsigned seal is reported as unsigned
 *   (`signed: false`), not as a problem;
 * - row N of the log exists (else the chain was cut at its end) and its hash is the seal's head
 *   (else the chain was rewritten at or before row N);
 * - the Merkle root of rows 1..N recomputes, for the latest seal that otherwise holds (one
 *   streaming pass over its rows: see custodyTreeRoot), or for every such seal with `allRoots`.
 * Run it inside a read transaction for a consistent snapshot. Returns the seals in row order and
 * the problems, each naming the seal's row; `firstBroken` is the first. Throws only on SQLite
 * errors.
 */
export function verifySeals(db: Db, archiveDir: string, opts: VerifySealsOptions = {}): SealsReport {
  const id = archiveId(db);
  const end = (stmt(db, 'SELECT max(seq) AS m FROM custody_events').get() as { m: number | null }).m ?? 0;
  const rowAt = stmt(db, 'SELECT type, hash FROM custody_events WHERE seq = ?');
  const trusted = opts.trustedFingerprints ? new Set(opts.trustedFingerprints) : null;
  const problems: SealProblem[] = [];
  const events = new Map<number, ReturnType<typeof readSealEvents>[number]>();
  for (const e of readSealEvents(db)) {
    if (!e.seal) {
      problems.push({ seq: e.eventSeq - 1, reason: `the seal in custody row ${e.eventSeq} cannot be read: ${e.error}` });
      continue;
    }
    if (e.seal.seq !== e.eventSeq - 1) {
      problems.push({ seq: e.seal.seq, reason: `custody row ${e.eventSeq} carries a seal of row ${e.seal.seq}; a seal's event is the row right after the head it seals` });
    }
    events.set(e.seal.seq, e);
  }
  const files = new Map<number, ReturnType<typeof readSealFiles>[number]>();
  for (const f of readSealFiles(archiveDir)) {
    if (!f.seal) problems.push({ seq: f.seq, reason: `${f.file} cannot be read: ${f.error}` });
    else if (f.seal.seq !== f.seq) problems.push({ seq: f.seq, reason: `${f.file} holds a seal of row ${f.seal.seq}, not of row ${f.seq}` });
    files.set(f.seq, f);
  }

  const statuses: SealStatus[] = [];
  const seqs = [...new Set([...events.keys(), ...files.keys()])].sort((a, b) => a - b);
  for (const n of seqs) {
    const ev = events.get(n);
    const f = files.get(n);
    const before = problems.length;
    const say = (reason: string) => problems.push({ seq: n, reason });
    const fileName = `seals/${sealFileName(n)}`;
    const cut = n + 1 > end;
    if (!ev && f?.seal) {
      if (cut) {
        say(`the chain was cut at its end: the log ends at row ${end}, but ${f.file} shows it reached at least row ${n + 1} (this seal's event)`);
      } else {
        const r = rowAt.get(n + 1) as { type: string } | undefined;
        say(`${f.file} has no seal event in the custody log (row ${n + 1} is ${r ? `a "${r.type}" event` : 'missing'}): the seal event was removed and the chain after it rewritten, or the catalog was replaced`);
      }
    }
    if (ev && !f) say(`the seal in custody row ${ev.eventSeq} has no copy ${fileName} (deleted? \`evidence seal\` writes a missing copy again from the log)`);
    const checked: Seal[] = [];
    if (ev?.seal) checked.push(ev.seal);
    if (f?.seal && !(ev?.seal && same(ev.seal, f.seal))) {
      if (ev?.seal) say(`${f.file} differs from the seal in custody row ${ev.eventSeq}${f.seal.signer?.fingerprint !== ev.seal.signer?.fingerprint ? ` (signed by ${f.seal.signer?.fingerprint ?? 'no key'} there, by ${ev.seal.signer?.fingerprint ?? 'no key'} in the log)` : ''}`);
      checked.push(f.seal);
    }
    let signer: SealSignerInfo | null = null;
    for (const s of checked) {
      const where = s === ev?.seal ? `the seal in custody row ${ev.eventSeq}` : (f?.file ?? fileName);
      if (id === null) say(`${where} is for archive ${s.archiveId}, and this catalog has no archive id: it was never sealed (replaced?)`);
      else if (s.archiveId !== id) say(`${where} is for archive ${s.archiveId}, this catalog is archive ${id}: the catalog was replaced, or the seal comes from another archive`);
      if (s.leafCount !== s.seq) say(`${where} counts ${s.leafCount} leaves for ${s.seq} rows`);
      try {
        const who = sealSignerOf(s);
        signer ??= who;
        if (who && trusted && !trusted.has(who.fingerprint)) say(`${where} is signed by ${who.fingerprint}, which is not one of the expected keys (${[...trusted].join(', ')})`);
      } catch (e) {
        say(`${where}: ${(e as Error).message}`);
      }
      // A cut chain was named above (only a file can outlive its event at the end of the log).
      if (!cut) {
        // A seal of the empty log (n = 0) seals the genesis value.
        const row = n === 0 ? { hash: GENESIS_HASH } : (rowAt.get(n) as { hash: string } | undefined);
        if (!row) say(`${where} seals row ${n}, which is missing from the log`);
        else if (row.hash !== s.head) say(`${where} signed row ${n}'s hash as ${s.head}, the log now holds ${row.hash}: the chain was rewritten at or before row ${n}`);
      }
    }
    const seal = checked[0];
    statuses.push({
      seq: n, eventSeq: ev ? ev.eventSeq : null, file: f ? f.file : null, signed: Boolean(seal?.signature), signer, sealedAt: seal?.sealedAt ?? null,
      rootChecked: false, holds: problems.length === before,
    });
  }

  if (!opts.noRoots) {
    const candidates = statuses.filter((s) => s.holds);
    const roots = opts.allRoots ? candidates : candidates.slice(-1);
    let secret: Buffer | null = null;
    try {
      secret = Buffer.from(pseudonymKey(db), 'hex');
    } catch (e) {
      if (roots.length) problems.push({ seq: roots[roots.length - 1]!.seq, reason: `the Merkle root cannot be recomputed: ${(e as Error).message}` });
    }
    for (const st of secret ? roots : []) {
      const seal = (events.get(st.seq)?.seal ?? files.get(st.seq)?.seal)!;
      let root: string;
      try {
        root = custodyTreeRoot(db, st.seq, secret!);
      } catch (e) {
        problems.push({ seq: st.seq, reason: `the Merkle root of rows 1..${st.seq} cannot be recomputed: ${(e as Error).message}` });
        st.holds = false;
        continue;
      }
      if (root !== seal.merkleRoot) {
        problems.push({ seq: st.seq, reason: `the Merkle root of rows 1..${st.seq} recomputes to ${root}, the seal signed ${seal.merkleRoot}: rows or the archive's secret changed` });
        st.holds = false;
      } else st.rootChecked = true;
    }
  }
  if (trusted && !statuses.some((st) => st.holds && st.signer && trusted.has(st.signer.fingerprint))) {
    // Someone who rewrote the chain and removed every seal (events and files) leaves nothing to compare; the expected key notices.
    problems.push({ seq: end, reason: `no seal that holds is signed by an expected key (${[...trusted].join(', ')})` });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { seals: statuses, problems, firstBroken: problems[0]?.seq ?? null, chainEnd: end };
}
