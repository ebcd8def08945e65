import { existsSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { DigestAlgorithm, JobProgress } from '../../common/types.ts';
import type { FixityFinding } from '../../common/fixity.ts';
import { sourceOf } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import { reelOfItem } from './reels.ts';
import { recordRun, tallyRun, type RunTally } from './run-record.ts';
import { addNewItems, clearStaleOutcomes, createRun, dbRunStore, memoryRunStore, openRuns, resumeRun, runChecked, type FileIdentity, type ItemOutcome, type ItemResult, type RunInterruption, type RunItem, type RunStore } from './runs.ts';
import { isWholeArchive, resolveScope, sameFilters, selectItems, type RunScope, type ScopeFilters } from './scope.ts';
import { objectPath, type Archive } from '../archive.ts';
import { chainHead, verifyCustodyLog } from '../custody/log.ts';
import { checkDerivativeObjects, derivativeObjectPaths } from '../redact/store.ts';
import { digestFile } from '../ingest/digest.ts';
import { createIngestPool } from '../ingest/pool.ts';
import { crossCheckCatalog } from './catalog.ts';
import { catalogIntegrity } from './catalog-integrity.ts';
import { verifySeals } from '../custody/seal-verify.ts';
import { notAFile, notAFileReason } from './object-kind.ts';
import { recheckEarlier, RECHECK_AFTER_MS, type EarlierRecheck } from './resume-recheck.ts';

/** One problem found by a fixity check. */
export interface FixityProblem {
  kind: 'altered' | 'missing' | 'unexpected' | 'unreadable' | 'custody' | 'catalog' | 'seal' | 'unrecorded-change';
  itemId?: number;
  sha256?: string;
  path?: string;
  seq?: number;
  reason: string;
  /** For an item's failure: what was found (common/fixity.ts), the original file name and source path (first sighting), its reel or card (null: none recorded). */
  finding?: FixityFinding;
  fileName?: string;
  sourcePath?: string;
  reel?: string | null;
  /**
   * For an item's failure: every sighting of the item (each card or folder it was ingested from),
   * oldest first, with its source path, file name and reel (null: none recorded), so the
   * archivist knows every card that may still hold the original (fixity9 §5).
   */
  sightings?: { sourcePath: string; fileName: string; reel: string | null }[];
  /** For a damaged catalog file (kind "catalog"): SQLite's integrity check findings (catalog-integrity.ts). */
  integrity?: string[];
}

/** A fixity check run (issue 15 §2), as the report gives it. */
export interface RunReport {
  /** The run's id in the catalog (verify_runs); 0 for an archive opened read-only (the run is not kept). */
  id: number;
  /** True when this check continued a run an earlier session left unfinished. */
  resumed: boolean;
  /** Items the run had checked before this session (0 for a new run). */
  checkedBefore: number;
  /** Sessions the run took (1 + resumptions). */
  sessions: number;
  scope: RunScope;
  /** True when the run checks every item of the archive (no filter). */
  wholeArchive: boolean;
  startedAt: string;
  itemsSelected: number;
  bytesSelected: number;
  passed: number;
  failed: RunTally['failed'];
  /** Merkle root over (item id, SHA-256, outcome) of every item checked (docs/fixity-runs.md). */
  merkle: RunTally['merkle'];
  /** The run's custody event, once recorded. */
  eventSeq: number | null;
  /** The run's interruptions, oldest first (empty for a run done in one sitting). */
  interruptions: RunInterruption[];
  /** Items of the run re-hashed in this sitting. */
  hashedNow: number;
  /**
   * Items whose outcome stands from an earlier sitting (checked before an interruption and, at the
   * end of this one, re-stat'ed unchanged): how many, their bytes, and when the first and last of
   * them was checked (ISO 8601 UTC). Absent when none.
   */
  checkedEarlier?: { items: number; bytes: number; firstCheckedAt: string; lastCheckedAt: string };
  /** How the earlier sittings' outcomes were re-checked at the end of this one (resume-recheck.ts); absent for a run not resumed. */
  recheck?: EarlierRecheck & { policy: { all: boolean; maxAgeHours: number } };
}

/** An item whose digests match but whose object file is another file than at its last check (size, mtime or inode changed). */
export interface FixityNote {
  kind: 'identity-changed';
  itemId: number;
  sha256: string;
  fileName?: string;
  before: FileIdentity;
  after: FileIdentity;
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
   * `fixity check` events this check appended to the custody log: one for the run and one per
   * failed item, or 0 when the check is `unrecorded` or the run is unfinished (interrupted).
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
  /** The run this check was (or continued). */
  run: RunReport;
  /** A run left unfinished that `restart` closed: recorded with outcome "interrupted" before this one started. */
  abandonedRun?: { id: number; eventSeq: number | null };
  /** Notes that are not failures: object files replaced by files of the same content. */
  notes: FixityNote[];
  /** Items ingested while this (resumed, whole-archive) run was paused, added to it and checked. */
  addedOnResume?: number;
  /** Unfinished runs of other filters, left open (resumable by their own filters): the user is told of them. Absent when none. */
  otherOpenRuns?: OtherOpenRun[];
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

/** Options of verifyArchive. */
export interface VerifyOptions {
  actor: string;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  threads?: number;
  expectHead?: { seq: number; hash: string };
  trustedFingerprints?: readonly string[];
  /** Which items to check (scope.ts); none: the whole archive. */
  filters?: ScopeFilters;
  /** Close a run left open (recording what it found so far) and start afresh, instead of resuming it. */
  restart?: boolean;
  /** Results kept in the catalog per write (a kill loses at most this many checks). Default 256. */
  batch?: number;
  /** A resumed run re-hashes every item checked before its interruption, not only those whose file changed (resume-recheck.ts). */
  recheckResumed?: boolean;
  /** A resumed run re-hashes the earlier outcomes older than this, stat unchanged or not (ms). Default RECHECK_AFTER_MS (24 h). */
  recheckAfterMs?: number;
}

const CONTENT_FAILURES: readonly string[] = ['altered', 'missing', 'unreadable'];

/** Where the item came from: its first sighting's original name and source path, and its reel. */
function origin(db: Db, itemId: number): { fileName?: string; sourcePath?: string; reel: string | null } {
  const r = db.prepare('SELECT source_path path, file_name name, path_bytes pathBytes FROM sightings WHERE item_id = ? ORDER BY id LIMIT 1').get(itemId) as { path: string; name: string; pathBytes: Buffer | null } | undefined;
  const src = r ? sourceOf(r.path, r.name, r.pathBytes) : null;
  return { ...(src ? { fileName: src.name, sourcePath: src.path } : {}), reel: reelOfItem(db, itemId) };
}

/** Every sighting of the item (oldest first): source path, original name and reel; the same path seen twice is given once. */
function sightingsOf(db: Db, itemId: number): NonNullable<FixityProblem['sightings']> {
  const rows = db.prepare(`SELECT s.source_path path, s.file_name name, s.path_bytes pathBytes, r.name reel FROM sightings s LEFT JOIN reels r ON r.id = s.reel_id
    WHERE s.item_id = ? ORDER BY s.id`).all(itemId) as { path: string; name: string; pathBytes: Buffer | null; reel: string | null }[];
  const out: NonNullable<FixityProblem['sightings']> = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const src = sourceOf(r.path, r.name, r.pathBytes);
    if (!src || seen.has(`${src.path}\u0000${r.reel ?? ''}`)) continue;
    seen.add(`${src.path}\u0000${r.reel ?? ''}`);
    out.push({ sourcePath: src.path, fileName: src.name, reel: r.reel });
  }
  return out;
}

/** The problem a failed item result is, with where the item came from. */
function itemProblem(db: Db, archive: Archive, r: ItemResult): FixityProblem {
  const path = objectPath(archive.objectsDir, r.sha256);
  const kind = r.outcome === 'pass' ? 'altered' : r.outcome;
  // The report's reason names the object by its path on this machine; the event's (r.reason) by its archive-relative one.
  const reason = (r.reason ?? `item ${r.id}: ${kind}`).replace(/^item (\d+) \(objects\//u, `item $1 (${archive.objectsDir}${sep}`);
  return { kind, itemId: r.id, sha256: r.sha256, path, reason, ...(r.finding ? { finding: r.finding } : {}), ...origin(db, r.id), sightings: sightingsOf(db, r.id) };
}

/**
 * Checks one item: re-hashes its object from the disk with every algorithm the catalog holds for
 * it, and compares; a pass after a recorded content failure with no `recovery` event since is an
 * unrecorded change; a pass whose object file has another size, mtime or inode than at the last
 * check (same device), with no recovery recorded since, gets the note "identity-changed". Null
 * when cancelled.
 */
function itemChecker(archive: Archive, pool: ReturnType<typeof createIngestPool>, signal?: AbortSignal) {
  const db = archive.db;
  const digestSt = db.prepare('SELECT algorithm, value FROM digests WHERE item_id = ?');
  const lastSt = db.prepare('SELECT outcome, checked_at, event_seq, obj_size, obj_mtime_ms, obj_ino, obj_dev FROM item_fixity WHERE item_id = ?');
  // A recovery after the failed check, by row or by time: a run paused over a repair appends its failure's event after the recovery it predates.
  const recoverySt = db.prepare("SELECT seq FROM custody_events WHERE item = ? AND type = 'recovery' AND (seq > ? OR at > ?) LIMIT 1");
  const relative = (text: string) => archiveRelative(text, archive.dir);
  return async (it: RunItem): Promise<ItemResult | null> => {
    const path = objectPath(archive.objectsDir, it.sha256);
    const rel = relative(path);
    const checkedAt = new Date().toISOString();
    // A link (to a replica's copy, say), a folder, a pipe: the archive does not hold the object. Never read through it.
    const other = notAFile(path);
    if (other) {
      const n = other.target !== undefined ? { ...other, target: relative(other.target) } : other;
      return { ...it, checkedAt, outcome: 'missing', reason: `item ${it.id} (${rel}): ${notAFileReason(n)}`,
        finding: { kind: 'missing', object: rel, notAFile: n.what, ...(n.target !== undefined ? { linkTarget: n.target } : {}) } };
    }
    let identity: FileIdentity | undefined;
    try {
      const st = statSync(path);
      identity = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev };
    } catch {
      // missing or unreadable: found below by the read itself
    }
    const rows = digestSt.all(it.id) as { algorithm: DigestAlgorithm; value: string }[];
    const expected = rows.length ? new Map(rows.map((r) => [r.algorithm, r.value])) : new Map<DigestAlgorithm, string>([['sha256', it.sha256]]);
    const base = { ...it, checkedAt, ...(identity ? { identity } : {}) };
    const fail = (outcome: ItemOutcome, reason: string, finding: FixityFinding): ItemResult => ({ ...base, outcome, reason, finding });
    let got;
    try {
      // From the disk: a copy of the object still in memory (after an export, say) would hide a damaged sector.
      got = await pool.digest({ path, algorithms: [...expected.keys()], counter: null, fromDevice: true });
    } catch (e) {
      if (signal?.aborted) return null;
      // Error codes do not survive the trip back from a worker thread; ask the file system.
      if (!existsSync(path)) return fail('missing', `item ${it.id} (${rel}): object missing from the store`, { kind: 'missing', object: rel });
      const error = relative((e as Error).message);
      return fail('unreadable', `item ${it.id} (${rel}): unreadable: ${error}`, { kind: 'unreadable', object: rel, error });
    }
    const differing = [...expected].filter(([alg, v]) => got.digests[alg] !== v);
    const bad = differing.map(([alg, v]) => `${alg} expected ${v}, found ${got.digests[alg]}`);
    if (got.bytes !== it.bytes) bad.push(`size expected ${it.bytes} bytes, found ${got.bytes}`);
    const compared = {
      object: rel, expected: Object.fromEntries(differing), found: Object.fromEntries(differing.map(([alg]) => [alg, got.digests[alg] ?? ''])),
      ...(got.bytes !== it.bytes ? { expectedBytes: it.bytes, foundBytes: got.bytes } : {}),
    };
    if (bad.length && got.digests.sha256 === it.sha256 && got.bytes === it.bytes) {
      // SHA-256 is the object's identity and still matches: the object is intact, a catalog row is not.
      return fail('catalog', `item ${it.id} (${rel}): object intact (SHA-256 matches) but the catalog's digests differ: ${bad.join('; ')}`, { kind: 'catalog', ...compared });
    }
    if (bad.length) return fail('altered', `item ${it.id} (${rel}): content altered: ${bad.join('; ')}`, { kind: 'altered', ...compared });
    const last = lastSt.get(it.id) as { outcome: string; checked_at: string; event_seq: number | null; obj_size: number | null; obj_mtime_ms: number | null; obj_ino: number | null; obj_dev: number | null } | undefined;
    // A recovery recorded since the last check: the object was replaced by the archive itself (repair), so its new identity is the expected one.
    const recovered = last ? Boolean(recoverySt.get(it.sha256, last.event_seq ?? 0, last.checked_at)) : false;
    if (last && CONTENT_FAILURES.includes(last.outcome) && !recovered) {
      // Intact again, but nothing in the log says how: a copy was put back behind the archive's back.
      return fail('unrecorded-change',
        `item ${it.id} (${rel}): unrecorded change: the object was replaced outside the archive (its check of ${last.checked_at} found it ${last.outcome}${last.event_seq ? `, custody row ${last.event_seq}` : ''}, and no recovery was recorded since)`,
        { kind: 'unrecorded-change', object: rel, previous: last.outcome as FixityFinding['previous'], previousCheckedAt: last.checked_at, ...(last.event_seq ? { previousSeq: last.event_seq } : {}) });
    }
    const before = last?.obj_size != null ? { size: last.obj_size, mtimeMs: last.obj_mtime_ms!, ino: last.obj_ino!, dev: last.obj_dev! } : null;
    // Another device: the archive was copied or moved, and new inodes say nothing.
    const changed = !recovered && before && identity && before.dev === identity.dev && (before.ino !== identity.ino || before.size !== identity.size || before.mtimeMs !== identity.mtimeMs);
    return { ...base, outcome: 'pass', ...(changed ? { note: JSON.stringify({ kind: 'identity-changed', before }) } : {}) };
  };
}

/** A run left unfinished that this check did not resume: it stays open, resumable by the same filters. */
export interface OtherOpenRun {
  id: number;
  scope: RunScope;
  wholeArchive: boolean;
  startedAt: string;
  itemsChecked: number;
  itemsSelected: number;
}

interface StartedRun {
  store: RunStore;
  resumed: boolean;
  abandoned?: { id: number; eventSeq: number | null };
  /** Items ingested since a resumed whole-archive run started, added to it. */
  addedOnResume?: number;
  otherOpen: OtherOpenRun[];
}

/**
 * The run store for this check. A run is resumed only by a check asking for the same filters (no
 * filter: the open whole-archive run, to which the items ingested since it started are added);
 * with `restart`, that run is closed instead (recorded with outcome "interrupted") and a new one
 * starts. Any other open run is left as it is, still resumable by its own filters, and returned in
 * `otherOpen`: a limited check never waits for an unfinished whole-archive run, and a check
 * without filters always checks the whole archive (it never finishes a limited run in its stead).
 * Read-only: a run in memory. Throws ScopeError for a filter that cannot be resolved.
 */
function startRun(archive: Archive, opts: VerifyOptions): StartedRun {
  const db = archive.db;
  const filters = opts.filters ?? {};
  if (!archive.writable) {
    const scope = resolveScope(filters);
    return { store: memoryRunStore(opts.actor, scope, selectItems(db, scope)), resumed: false, otherOpen: [] };
  }
  const open = openRuns(db);
  const same = open.find((r) => sameFilters(r.scope.filters, filters));
  const otherOpen = open.filter((r) => r !== same).map((r) => ({
    id: r.id, scope: r.scope, wholeArchive: isWholeArchive(r.scope.filters), startedAt: r.startedAt, itemsChecked: runChecked(db, r.id), itemsSelected: r.itemsSelected,
  }));
  let abandoned: { id: number; eventSeq: number | null } | undefined;
  // What the catalog learned of an item since this run checked it (another check, a repair) outdates that outcome.
  if (same) clearStaleOutcomes(db, same.id);
  if (same && opts.restart) {
    const store = dbRunStore(db, same);
    const tally = tallyRun(db, store);
    const problems = tally.failures.length;
    const r = recordRun(db, store, tally, { outcome: 'interrupted', state: 'abandoned', finishedAt: new Date().toISOString(), problems });
    abandoned = { id: same.id, eventSeq: r.runEventSeq };
  } else if (same) {
    // A whole-archive run checks the archive as it is when it ends, not as it was when it started.
    const addedOnResume = isWholeArchive(filters) ? addNewItems(db, same) : 0;
    return { store: dbRunStore(db, resumeRun(db, same)), resumed: true, ...(addedOnResume ? { addedOnResume } : {}), otherOpen };
  }
  const scope = resolveScope(filters);
  const store = dbRunStore(db, createRun(db, opts.actor, scope, selectItems(db, scope)));
  return { store, resumed: false, ...(abandoned ? { abandoned } : {}), otherOpen };
}

/** startRun, except that a full disk (SQLITE_FULL) gives a run in memory: the check runs all the same, unrecorded and not resumable. */
function startRunOrMemory(archive: Archive, opts: VerifyOptions): StartedRun & { diskFull?: string } {
  try {
    return startRun(archive, opts);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'SQLITE_FULL') throw e;
    const scope = resolveScope(opts.filters ?? {});
    return { store: memoryRunStore(opts.actor, scope, selectItems(archive.db, scope)), resumed: false, otherOpen: [], diskFull: (e as Error).message };
  }
}

/**
 * Fixity check run (issue 2 `evidence verify`, issue 15 §2): re-hashes the objects of the items
 * the filters select (every item without filters) with every algorithm the catalog holds for
 * each, and compares; reports a pass after an unrepaired failure as an unrecorded change. The run
 * is kept in the catalog (runs.ts): cancelled (`signal`) or killed, it is resumed by the next call
 * (its selection unchanged), and only a finished run is recorded: ONE `fixity check` custody
 * event for the run (scope, counts, start/end, chain state, Merkle root over (item id, SHA-256,
 * outcome) of every item checked: run-merkle.ts, docs/fixity-runs.md) plus one per failed item
 * with its `finding` (common/fixity.ts, archive-relative paths), appended in one transaction.
 * A whole-archive run also finds objects missing from or unknown to the store and cross-checks the
 * catalog against the log (crossCheckCatalog). Every finished run recomputes the custody chain,
 * checks its seals (with `trustedFingerprints`, their signers) and `expectHead`; a broken chain or
 * seal is a problem, and the run is recorded all the same, its event saying the chain was broken
 * (docs/fixity-runs.md "A broken chain"). Read-only, or a full disk when recording: the report is
 * returned unrecorded, saying why in `unrecorded`. Throws ScopeError (reels.ts) for filters that
 * cannot be met; SQLite errors otherwise.
 */
export async function verifyArchive(archive: Archive, opts: VerifyOptions): Promise<FixityReport> {
  const startedAt = new Date().toISOString();
  const db = archive.db;
  const problems: FixityProblem[] = [];
  const { store, resumed, abandoned, addedOnResume, otherOpen, diskFull: diskFullAtStart } = startRunOrMemory(archive, opts);
  const run = store.run;
  const progress: JobProgress = { filesDone: store.checkedBefore, filesTotal: run.itemsSelected, bytesDone: store.bytesCheckedBefore, bytesTotal: run.bytesSelected, currentFile: null };
  // The total at once: the first object may be a long video, and the window shows "0 of N" meanwhile.
  opts.onProgress?.({ ...progress });
  const remaining = run.itemsSelected - store.checkedBefore;
  let pool = remaining > 0 ? createIngestPool(opts.threads, opts.signal) : null;
  let check = pool ? itemChecker(archive, pool, opts.signal) : null;
  let recheck: EarlierRecheck | undefined;
  let queue: RunItem[] = [];
  let lastPos = -1;
  const next = (): RunItem | undefined => {
    if (!queue.length) {
      queue = store.pending(lastPos, 512);
      if (queue.length) lastPos = queue[queue.length - 1]!.pos;
    }
    return queue.shift();
  };
  let buffer: ItemResult[] = [];
  let flushedAt = Date.now();
  // Results the catalog could not take (disk full mid-run): kept in memory for this report.
  const overflow: ItemResult[] = [];
  let diskFullLater: string | undefined;
  const flush = () => {
    if (buffer.length && diskFullLater === undefined) {
      try {
        store.save(buffer);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'SQLITE_FULL') throw e;
        diskFullLater = (e as Error).message;
      }
    }
    if (diskFullLater !== undefined) overflow.push(...buffer);
    buffer = [];
    flushedAt = Date.now();
  };
  const batch = opts.batch ?? 256;
  const lane = async () => {
    for (let it = next(); it && !opts.signal?.aborted; it = next()) {
      progress.currentFile = objectPath(archive.objectsDir, it.sha256);
      const r = await check!(it);
      if (!r) break;
      buffer.push(r);
      if (buffer.length >= batch || Date.now() - flushedAt > 2000) flush();
      progress.filesDone++;
      progress.bytesDone += it.bytes;
      opts.onProgress?.({ ...progress });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(remaining, (pool?.threads ?? 1) * 2) }, lane));
    // A resumed run: what was found before the interruption may no longer hold (fixity9 §1).
    if (resumed && run.id && !opts.signal?.aborted && diskFullLater === undefined) {
      flush();
      recheck = recheckEarlier(db, archive.objectsDir, run.id, startedAt, { all: !!opts.recheckResumed, maxAgeMs: opts.recheckAfterMs ?? RECHECK_AFTER_MS });
      const cleared = recheck.examined - recheck.kept;
      if (cleared) {
        pool ??= createIngestPool(opts.threads, opts.signal);
        check ??= itemChecker(archive, pool, opts.signal);
        progress.filesDone -= cleared;
        progress.bytesDone -= recheck.bytesCleared;
        queue = [];
        lastPos = -1;
        await Promise.all(Array.from({ length: Math.min(cleared, pool.threads * 2) }, lane));
      }
    }
    // Checks or repairs of items made by others while this session ran outdate its outcomes: check those items again.
    for (let round = 0; pool && run.id && !opts.signal?.aborted && diskFullLater === undefined && round < 3; round++) {
      flush();
      const stale = clearStaleOutcomes(db, run.id);
      if (!stale) break;
      progress.filesDone -= stale;
      queue = [];
      lastPos = -1;
      await Promise.all(Array.from({ length: Math.min(stale, pool.threads * 2) }, lane));
    }
  } finally {
    flush();
    await pool?.destroy();
  }
  const tally = tallyRun(db, overflow.length ? { ...store, run: { ...run, id: 0 }, results: () => [...store.results(), ...overflow] } : store);
  const diskFull = diskFullAtStart ?? diskFullLater;
  const interrupted = tally.checked < run.itemsSelected;
  const earlier = run.id ? db.prepare(`SELECT count(*) items, coalesce(sum(bytes), 0) bytes, min(checked_at) firstCheckedAt, max(checked_at) lastCheckedAt
    FROM verify_run_items WHERE run_id = ? AND outcome IS NOT NULL AND checked_at < ?`).get(run.id, startedAt) as { items: number; bytes: number; firstCheckedAt: string; lastCheckedAt: string } : { items: 0, bytes: 0, firstCheckedAt: '', lastCheckedAt: '' };
  const recheckReport = recheck ? { ...recheck, policy: { all: !!opts.recheckResumed, maxAgeHours: (opts.recheckAfterMs ?? RECHECK_AFTER_MS) / 3600_000 } } : undefined;
  for (const f of tally.failures) problems.push(itemProblem(db, archive, f));
  const wholeArchive = isWholeArchive(run.scope.filters);
  const unrecordedCopies: string[] = [];
  if (wholeArchive && !interrupted) {
    const known = new Set((db.prepare('SELECT sha256 FROM items').pluck().all() as string[]).map((sha) => objectPath(archive.objectsDir, sha)));
    // Redacted derivatives and their detection logs (issue 13) are recorded content too: known, and re-hashed here.
    for (const p of derivativeObjectPaths(db, archive.objectsDir)) known.add(p);
    for (const reason of checkDerivativeObjects(db, archive.objectsDir)) problems.push({ kind: /missing/u.test(reason) ? 'missing' : 'altered', reason });
    for (const f of await objectFiles(archive.objectsDir)) {
      if (known.has(f)) continue;
      if (isIntactCopy(archive.objectsDir, f)) unrecordedCopies.push(f);
      else problems.push({ kind: 'unexpected', path: f, reason: `${f}: file in the object store that the catalog does not know and that is not an intact copy at its content address (put there by hand, or damaged)` });
    }
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
  let integrity: 'ok' | 'failed' | undefined;
  if (wholeArchive && !interrupted) {
    // The catalog file itself first: a damaged index hides rows from the cross-check and from `log --item`.
    const findings = catalogIntegrity(db);
    integrity = findings.length ? 'failed' : 'ok';
    if (findings.length) {
      problems.push({ kind: 'catalog', integrity: findings, reason: `catalog (archive.sqlite): SQLite integrity check failed: ${findings.join('; ')}: the catalog file is damaged (queries may miss rows, such as an item's custody events); restore the catalog from a backup (the custody chain's own hash check cannot see damage to the catalog's indexes)` });
    }
    problems.push(...crossCheckCatalog(db));
  }
  if (opts.expectHead) {
    // A chain cut short at its end still verifies; a head noted earlier (or carried in a bag) proves it was not.
    const row = db.prepare('SELECT seq FROM custody_events WHERE hash = ?').get(opts.expectHead.hash) as { seq: number } | undefined;
    if (!row || row.seq !== opts.expectHead.seq) {
      problems.push({ kind: 'custody', seq: opts.expectHead.seq, reason: `custody row ${opts.expectHead.seq} with hash ${opts.expectHead.hash}, noted earlier, is not in the log: rows were removed or replaced` });
    }
  }
  let unrecorded: string | undefined = !archive.writable ? 'the archive is open read-only' : diskFull ? `the disk is full (${diskFull})` : undefined;
  let unrecordedBecause: FixityReport['unrecordedBecause'] = !archive.writable ? 'read-only' : diskFull ? 'disk-full' : undefined;
  let custodyEventsAdded = 0;
  let eventSeq: number | null = null;
  const finishedAt = new Date().toISOString();
  // An unfinished run is recorded when it finishes (or is abandoned): its outcomes wait in the catalog.
  if (archive.writable && !diskFull && !interrupted) {
    try {
      // A broken chain does not stop the record: the event says so, and the break stays detectable.
      const custodyProblems = chain.problems.length;
      const r = recordRun(db, store, tally, {
        outcome: problems.length ? 'fail' : 'pass', state: 'done', finishedAt, problems: problems.length,
        chain: { rowsChecked: chain.rows, holds: custodyProblems === 0, problems: custodyProblems, firstBrokenRow: chain.problems[0]?.seq ?? null },
        seals: { count: sealsSummary.count, firstBroken: sealsSummary.firstBroken },
        ...(unrecordedCopies.length ? { unrecordedCopies: unrecordedCopies.length } : {}),
        ...(integrity ? { catalogIntegrity: integrity } : {}),
        ...(run.interruptions.length ? { sittings: {
          interruptions: run.interruptions, hashedInLastSitting: tally.checked - earlier.items,
          checkedInEarlierSittings: earlier.items ? { items: earlier.items, firstCheckedAt: earlier.firstCheckedAt, lastCheckedAt: earlier.lastCheckedAt } : { items: 0 },
          ...(recheckReport ? { recheckOfEarlier: { examined: recheckReport.examined, statUnchanged: recheckReport.kept, reHashed: { changed: recheckReport.changed, olderThanLimit: recheckReport.old, asked: recheckReport.asked, failedBefore: recheckReport.failed }, policy: recheckReport.policy } } : {}),
        } } : {}),
      });
      custodyEventsAdded = r.eventsAdded;
      eventSeq = r.runEventSeq;
    } catch (e) {
      // A full disk must not cost the user the findings of a check that may have taken hours.
      if ((e as { code?: unknown }).code !== 'SQLITE_FULL') throw e;
      unrecorded = `the disk is full (${(e as Error).message})`;
      unrecordedBecause = 'disk-full';
    }
  }
  const notes: FixityNote[] = tally.notes.map((r) => {
    const { fileName } = origin(db, r.id);
    return { kind: 'identity-changed', itemId: r.id, sha256: r.sha256, ...(fileName ? { fileName } : {}), before: (JSON.parse(r.note!) as { before: FileIdentity }).before, after: r.identity! };
  });
  return {
    ok: problems.length === 0 && !interrupted,
    interrupted,
    itemsChecked: tally.checked,
    itemsTotal: run.itemsSelected,
    bytesChecked: tally.bytes,
    custodyRowsChecked: chain.rows,
    chainHeadBefore: headBefore,
    custodyEventsAdded,
    chainHead: chainHead(db),
    problems,
    seals: sealsSummary,
    startedAt,
    finishedAt,
    ...(unrecorded ? { unrecorded, unrecordedBecause } : {}),
    unrecordedCopies,
    run: {
      id: run.id, resumed, checkedBefore: store.checkedBefore, sessions: run.sessions, scope: run.scope, wholeArchive, startedAt: run.startedAt, itemsSelected: run.itemsSelected, bytesSelected: run.bytesSelected,
      passed: tally.passed, failed: tally.failed, merkle: tally.merkle, eventSeq,
      interruptions: run.interruptions, hashedNow: tally.checked - earlier.items,
      ...(earlier.items ? { checkedEarlier: earlier } : {}), ...(recheckReport ? { recheck: recheckReport } : {}),
    },
    ...(abandoned ? { abandonedRun: abandoned } : {}),
    ...(addedOnResume ? { addedOnResume } : {}),
    ...(otherOpen.length ? { otherOpenRuns: otherOpen } : {}),
    notes,
  };
}
