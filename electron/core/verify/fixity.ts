import { existsSync, realpathSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { DigestAlgorithm, JobProgress } from '../../common/types.ts';
import type { FixityFinding } from '../../common/fixity.ts';
import { objectPath, type Archive } from '../archive.ts';
import { checkDerivativeObjects, derivativeObjectPaths } from '../redact/store.ts';
import { appendCustodyEvent, chainHead, verifyCustodyLog } from '../custody/log.ts';
import { digestFile } from '../ingest/digest.ts';
import { createIngestPool } from '../ingest/pool.ts';
import { crossCheckCatalog } from './catalog.ts';
import { verifySeals } from '../custody/seal-verify.ts';

/** One problem found by a fixity check. */
export interface FixityProblem {
  kind: 'altered' | 'missing' | 'unexpected' | 'unreadable' | 'custody' | 'catalog' | 'seal';
  itemId?: number;
  sha256?: string;
  path?: string;
  seq?: number;
  reason: string;
}

export interface FixityReport {
  /** True only for a check that ran to the end and found no problem; false when `interrupted`. */
  ok: boolean;
  /**
   * True when the check was cancelled before every item was re-hashed: the archive was then not
   * verified (only `itemsChecked` items were), and `problems` holds only what was found before
   * the stop, so an empty list does not mean the archive is intact. The custody chain and the
   * catalog are still checked in full.
   */
  interrupted: boolean;
  itemsChecked: number;
  /** Items in the catalog when the check started: what it set out to re-hash (`itemsChecked` of them were). */
  itemsTotal: number;
  bytesChecked: number;
  /** Rows of the custody log recomputed: the log as it stood before this check appended its own events. */
  custodyRowsChecked: number;
  /** The head of that log (the last row recomputed), before this check's events; null for an empty log. */
  chainHeadBefore: { seq: number; hash: string } | null;
  /**
   * `fixity check` events this check appended to the custody log: one per item re-hashed and one
   * for the whole archive (so `itemsChecked + 1`), or 0 when the check is `unrecorded`.
   */
  custodyEventsAdded: number;
  /** The head of the custody log when the check ended: after its own events, when it was recorded. */
  chainHead: { seq: number; hash: string } | null;
  problems: FixityProblem[];
  /** The seals of the chain (custody/seal-verify.ts); their problems are in `problems` as kind "seal", seq = the sealed row. */
  seals: SealsSummary;
  startedAt: string;
  finishedAt: string;
  /**
   * Why this check is not in the custody log, when it is not: the archive was opened read-only,
   * or the disk was full when its `fixity check` events were to be appended (then none was).
   * Absent when the check was recorded. The findings above hold either way.
   */
  unrecorded?: string;
  /** Why the check is not in the custody log, as a code for translated messages; set with `unrecorded`. */
  unrecordedBecause?: 'read-only' | 'disk-full';
  /**
   * Files in the store at a well-formed address whose content has exactly that SHA-256, but that
   * no item records: verified copies an interrupted ingest stored before it could record them.
   * Not problems (no recorded evidence is affected); running that ingest again records them.
   */
  unrecordedCopies: string[];
}

/** What `verify` found of the archive's seals. */
export interface SealsSummary {
  /** Seals found (custody events and seals/ files, by sealed row). */
  count: number;
  /** Of them, signed ones. */
  signed: number;
  /** Fingerprints of the keys that signed them, in order of first seal. */
  signers: string[];
  /** The last seal: the row it seals, its signer (null: unsigned), when it was made, whether it holds. */
  latest: { seq: number; signer: string | null; sealedAt: string | null; holds: boolean } | null;
  /** The row whose Merkle root was recomputed and matched (the latest seal that otherwise holds), or null. */
  rootChecked: number | null;
  /** The row of the first seal a change breaks, or null when all hold. */
  firstBroken: number | null;
}

const ADDRESS = /[\\/]sha256[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{64})$/;

/** True when the file at `path` sits at a content address (…/sha256/ab/cd/<sha256>) and holds exactly that content. */
function isIntactCopy(objectsDir: string, path: string): boolean {
  const m = ADDRESS.exec(path);
  if (!m || !m[3]!.startsWith(m[1]! + m[2]!) || path !== objectPath(objectsDir, m[3]!)) return false;
  try {
    return digestFile(path, ['sha256']).digests.sha256 === m[3];
  } catch {
    return false;
  }
}

/** Every file under objects/, as absolute paths (a stray file anywhere in the store counts). */
async function objectFiles(objectsDir: string): Promise<string[]> {
  try {
    const entries = await readdir(objectsDir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name)).sort();
  } catch {
    return [];
  }
}

/**
 * `text` with every occurrence of the archive folder `archiveDir` (as given and as its real path),
 * followed by a path separator, removed, so "/home/u/Archive/objects/sha256/…" reads
 * "objects/sha256/…" (with "/" separators). Custody events say where in the archive, not where
 * the archive is on this machine: they travel in evidence sets, some of them public.
 */
export function archiveRelative(text: string, archiveDir: string): string {
  let out = text;
  const dirs = new Set([archiveDir]);
  try {
    dirs.add(realpathSync.native(archiveDir));
  } catch {
    // an archive folder that cannot be resolved is only matched as given
  }
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    out = out.split(prefix).join('');
  }
  return sep === '/' ? out : out.replace(/objects\\sha256\\([0-9a-f]{2})\\([0-9a-f]{2})\\/gu, 'objects/sha256/$1/$2/');
}

/**
 * Fixity check of a whole archive (issue #2 `evidence verify`): re-hashes every object with every
 * algorithm the catalog holds for it and compares; reports objects missing from the store and
 * files in the store the catalog does not know; recomputes the custody chain; checks its seals
 * (verifySeals: each still matches the chain, the latest's Merkle root recomputes, and with
 * `trustedFingerprints` each is signed by one of those keys; problems of kind "seal"); cross-checks the
 * catalog rows against the custody events that recorded them (crossCheckCatalog); with
 * `expectHead`, checks that a chain head noted earlier is still in the log. Appends one
 * `fixity check` custody event per item (outcome pass/fail; a failed one with its `reason` and a
 * `finding`, common/fixity.ts FixityFinding: what was expected and found, naming the object by its
 * archive-relative path, never the archive's absolute one) and one archive-wide summary event,
 * when the archive is writable; when it is not, or the disk is full (SQLITE_FULL) so the events
 * cannot be appended, the report is returned all the same, saying why in `unrecorded` (all of
 * the events or none: they are appended in one transaction). Cancelling `signal` stops the
 * re-hashing; the report then has `interrupted: true` and `ok: false`. Throws only for an
 * unreadable catalog or another SQLite error while recording.
 */
export async function verifyArchive(archive: Archive, opts: { actor: string; signal?: AbortSignal; onProgress?: (p: JobProgress) => void; threads?: number; expectHead?: { seq: number; hash: string }; trustedFingerprints?: readonly string[] }): Promise<FixityReport> {
  const startedAt = new Date().toISOString();
  const db = archive.db;
  const problems: FixityProblem[] = [];
  const items = db.prepare('SELECT id, sha256, bytes FROM items ORDER BY id').all() as { id: number; sha256: string; bytes: number }[];
  const digestRows = db.prepare('SELECT item_id, algorithm, value FROM digests').all() as { item_id: number; algorithm: DigestAlgorithm; value: string }[];
  const digestsOf = new Map<number, Map<DigestAlgorithm, string>>();
  for (const r of digestRows) {
    if (!digestsOf.has(r.item_id)) digestsOf.set(r.item_id, new Map());
    digestsOf.get(r.item_id)!.set(r.algorithm, r.value);
  }
  const progress: JobProgress = { filesDone: 0, filesTotal: items.length, bytesDone: 0, bytesTotal: items.reduce((s, i) => s + i.bytes, 0), currentFile: null };
  // What each item's custody event records: its reason and finding name the object by its
  // archive-relative path, never this machine's absolute one (events reach evidence sets).
  const outcomes = new Map<number, { outcome: 'pass' | 'fail'; reason?: string; finding?: FixityFinding }>();
  const relative = (text: string) => archiveRelative(text, archive.dir);
  // The total at once: the first object may be a long video, and the window shows "0 of N" meanwhile.
  opts.onProgress?.({ ...progress });
  const pool = items.length ? createIngestPool(opts.threads, opts.signal) : null;
  let next = 0;
  let bytesChecked = 0;
  const lane = async () => {
    while (next < items.length && !opts.signal?.aborted) {
      const it = items[next++]!;
      const path = objectPath(archive.objectsDir, it.sha256);
      const rel = relative(path);
      progress.currentFile = path;
      const expected = digestsOf.get(it.id) ?? new Map<DigestAlgorithm, string>([['sha256', it.sha256]]);
      try {
        // From the disk: a copy of the object still in memory (after an export, say) would hide a damaged sector.
        const got = await pool!.digest({ path, algorithms: [...expected.keys()], counter: null, fromDevice: true });
        bytesChecked += got.bytes;
        const differing = [...expected].filter(([alg, v]) => got.digests[alg] !== v);
        const bad = differing.map(([alg, v]) => `${alg} expected ${v}, found ${got.digests[alg]}`);
        if (got.bytes !== it.bytes) bad.push(`size expected ${it.bytes} bytes, found ${got.bytes}`);
        const sizes = got.bytes !== it.bytes ? { expectedBytes: it.bytes, foundBytes: got.bytes } : {};
        const compared = {
          object: rel, expected: Object.fromEntries(differing), found: Object.fromEntries(differing.map(([alg]) => [alg, got.digests[alg] ?? ''])), ...sizes,
        };
        if (bad.length && got.digests.sha256 === it.sha256 && got.bytes === it.bytes) {
          // SHA-256 is the object's identity and still matches: the object is intact, a catalog row is not.
          const what = `object intact (SHA-256 matches) but the catalog's digests differ: ${bad.join('; ')}`;
          problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, path, reason: `item ${it.id} (${path}): ${what}` });
          outcomes.set(it.id, { outcome: 'fail', reason: `item ${it.id} (${rel}): ${what}`, finding: { kind: 'catalog', ...compared } });
        } else if (bad.length) {
          const what = `content altered: ${bad.join('; ')}`;
          problems.push({ kind: 'altered', itemId: it.id, sha256: it.sha256, path, reason: `item ${it.id} (${path}): ${what}` });
          outcomes.set(it.id, { outcome: 'fail', reason: `item ${it.id} (${rel}): ${what}`, finding: { kind: 'altered', ...compared } });
        } else {
          outcomes.set(it.id, { outcome: 'pass' });
        }
      } catch (e) {
        if (opts.signal?.aborted) break;
        // Error codes do not survive the trip back from a worker thread; ask the file system.
        const missing = !existsSync(path);
        const error = (e as Error).message;
        const what = (p: string, err: string) => `item ${it.id} (${p}): ${missing ? 'object missing from the store' : `unreadable: ${err}`}`;
        problems.push({ kind: missing ? 'missing' : 'unreadable', itemId: it.id, sha256: it.sha256, path, reason: what(path, error) });
        outcomes.set(it.id, {
          outcome: 'fail', reason: what(rel, relative(error)),
          finding: missing ? { kind: 'missing', object: rel } : { kind: 'unreadable', object: rel, error: relative(error) },
        });
      }
      progress.filesDone++;
      progress.bytesDone += it.bytes;
      opts.onProgress?.({ ...progress });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(items.length, (pool?.threads ?? 1) * 2) }, lane));
  } finally {
    await pool?.destroy();
  }
  const known = new Set(items.map((i) => objectPath(archive.objectsDir, i.sha256)));
  // Redacted derivatives and their detection logs (issue 13) are recorded content too; check them.
  for (const p of derivativeObjectPaths(db, archive.objectsDir)) known.add(p);
  for (const reason of checkDerivativeObjects(db, archive.objectsDir)) problems.push({ kind: /missing/u.test(reason) ? 'missing' : 'altered', reason });
  const unrecordedCopies: string[] = [];
  for (const f of await objectFiles(archive.objectsDir)) {
    if (known.has(f)) continue;
    if (isIntactCopy(archive.objectsDir, f)) unrecordedCopies.push(f);
    else problems.push({ kind: 'unexpected', path: f, reason: `${f}: file in the object store that the catalog does not know and that is not an intact copy at its content address (put there by hand, or damaged)` });
  }
  // The rows recomputed and the head reported as "before this check" come from one read snapshot.
  const { chain, headBefore, seals } = db.transaction(() => ({
    chain: verifyCustodyLog(db), headBefore: chainHead(db),
    seals: verifySeals(db, archive.dir, { trustedFingerprints: opts.trustedFingerprints }),
  }))();
  for (const p of chain.problems) problems.push({ kind: 'custody', seq: p.seq, reason: `custody row ${p.seq}: ${p.reason}` });
  for (const p of seals.problems) problems.push({ kind: 'seal', seq: p.seq, reason: `seal of row ${p.seq}: ${p.reason}` });
  const lastSeal = seals.seals[seals.seals.length - 1];
  const sealsSummary: SealsSummary = {
    count: seals.seals.length, signed: seals.seals.filter((s) => s.signed).length,
    signers: [...new Set(seals.seals.flatMap((s) => (s.signer ? [s.signer.fingerprint] : [])))],
    latest: lastSeal ? { seq: lastSeal.seq, signer: lastSeal.signer?.fingerprint ?? null, sealedAt: lastSeal.sealedAt, holds: lastSeal.holds } : null,
    rootChecked: seals.seals.filter((s) => s.rootChecked).at(-1)?.seq ?? null,
    firstBroken: seals.firstBroken,
  };
  problems.push(...crossCheckCatalog(db));
  if (opts.expectHead) {
    // A chain cut short at its end still verifies; a head noted earlier (or carried in a bag) proves it was not.
    const row = db.prepare('SELECT seq FROM custody_events WHERE hash = ?').get(opts.expectHead.hash) as { seq: number } | undefined;
    if (!row || row.seq !== opts.expectHead.seq) {
      problems.push({ kind: 'custody', seq: opts.expectHead.seq, reason: `custody row ${opts.expectHead.seq} with hash ${opts.expectHead.hash}, noted earlier, is not in the log: rows were removed or replaced` });
    }
  }
  // Every item gets an outcome unless the lanes stopped on the signal; an abort that landed after
  // the last item (the rest of the check does not stop for it) leaves a complete check.
  const interrupted = outcomes.size < items.length;
  let unrecorded: string | undefined = archive.writable ? undefined : 'the archive is open read-only';
  let unrecordedBecause: FixityReport['unrecordedBecause'] = archive.writable ? undefined : 'read-only';
  let custodyEventsAdded = 0;
  if (archive.writable) {
    // A failed check is recorded too: the break stays detectable, and the record shows when it was found.
    const record = db.transaction(() => {
      let added = 0;
      for (const it of items) {
        const o = outcomes.get(it.id);
        if (!o) continue;
        appendCustodyEvent(db, { actor: opts.actor, type: 'fixity check', item: it.sha256, detail: { outcome: o.outcome, algorithms: [...(digestsOf.get(it.id)?.keys() ?? ['sha256'])], ...(o.reason ? { reason: o.reason } : {}), ...(o.finding ? { finding: o.finding } : {}) } });
        added++;
      }
      appendCustodyEvent(db, { actor: opts.actor, type: 'fixity check', item: null, detail: {
        outcome: problems.length ? 'fail' : interrupted ? 'interrupted' : 'pass', scope: 'archive', itemsChecked: outcomes.size, bytesChecked,
        problems: problems.length, custodyRowsChecked: chain.rows,
        ...(unrecordedCopies.length ? { unrecordedCopies: unrecordedCopies.length } : {}),
      } });
      return added + 1;
    });
    try {
      custodyEventsAdded = record();
    } catch (e) {
      // A full disk must not cost the user the findings of a check that may have taken hours.
      if ((e as { code?: unknown }).code !== 'SQLITE_FULL') throw e;
      unrecorded = `the disk is full (${(e as Error).message})`;
      unrecordedBecause = 'disk-full';
    }
  }
  return {
    ok: problems.length === 0 && !interrupted,
    interrupted,
    itemsChecked: outcomes.size,
    itemsTotal: items.length,
    bytesChecked,
    custodyRowsChecked: chain.rows,
    chainHeadBefore: headBefore,
    custodyEventsAdded,
    chainHead: chainHead(db),
    problems,
    seals: sealsSummary,
    startedAt,
    finishedAt: new Date().toISOString(),
    ...(unrecorded ? { unrecorded, unrecordedBecause } : {}),
    unrecordedCopies,
  };
}
