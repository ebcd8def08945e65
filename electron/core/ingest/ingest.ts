import { randomUUID } from 'node:crypto';
import type { DigestAlgorithm, IngestFileResult, JobProgress, MetadataResult } from '../../common/types.ts';
import { hostName, type Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { contentHash } from '../custody/content-hash.ts';
import { findItemBySha, findSightingBySource, getDigests, insertDigests, insertItem, insertSighting, type NewSighting } from '../db/items.ts';
import { BatchedWriter } from '../db/batch.ts';
import { emptyFields } from '../metadata/empty.ts';
import { createIngestPool, pooledCopy, type IngestPool } from './pool.ts';
import type { CopyResult } from './task.ts';
import { itemRecord } from '../metadata/record.ts';
import { walkInputs, type Candidate } from './walk.ts';
import { bytesField, failureText, legacyDisplayName } from './filename.ts';
import { MhlIngestCheck, type MhlIngestReport } from '../mhl/ingest-check.ts';
import { PreviewQueue, type PreviewReport } from '../derivatives/preview-queue.ts';
import { linkRunSidecars } from '../sidecars/ingest-hook.ts';
import type { SidecarReport } from '../sidecars/link.ts';
import { assignReels, type ReelRunReport } from '../reels/assign.ts';
import { recordCarriedSighting, sightingToCarry } from '../reels/carry.ts';
import { scanC2pa, type C2paScan } from '../c2pa/read.ts';
import { recordCredentials } from '../c2pa/store.ts';

export interface IngestOptions {
  inputs: string[];
  operator: string;
  /** Extra digests besides SHA-256. */
  algorithms?: DigestAlgorithm[];
  signal?: AbortSignal;
  /** Called at most every `progressIntervalMs` and once at the end. */
  onProgress?: (p: JobProgress) => void;
  onFile?: (r: IngestFileResult) => void;
  progressIntervalMs?: number;
  /** Worker threads; default one per core. */
  threads?: number;
  /**
   * A pool started by the caller (createIngestPool), so its threads can boot while the archive
   * opens; ingest uses it and leaves it to the caller to destroy. `threads` is then ignored.
   */
  pool?: IngestPool;
  /**
   * Make each added image's thumbnail and video's poster on the pool's threads as the files
   * arrive (derivatives/preview-queue.ts); a failing one is a warning in `previews`. Default false.
   */
  previews?: boolean;
  /** The reel (source volume) to record the files under; default: the volume label, else the card's top folder (reels/assign.ts). */
  reel?: string;
}

export interface IngestReport {
  runId: string;
  operator: string;
  host: string;
  startedAt: string;
  finishedAt: string;
  /** True when the run was cancelled before every file was processed. */
  interrupted: boolean;
  /**
   * True when the run was cancelled while the folders were still being listed: then no file was
   * processed, `counts.notProcessed` is only how many files the listing had found so far, and how
   * many the inputs hold in all is not known. False when the listing finished (`interrupted` may
   * still be true: cancelled while files were being copied).
   */
  walkInterrupted: boolean;
  /**
   * Files by how they ended. `notProcessed`: files the folder walk found that ended in no status
   * because the run was cancelled (every found file is counted once, in exactly one of these).
   */
  counts: { added: number; duplicate: number; skipped: number; failed: number; notProcessed: number };
  bytesIngested: number;
  files: IngestFileResult[];
  /** Present when a media hash list (ASC MHL, MHL v1.1) describes the inputs: its verdicts (mhl/ingest-check.ts). */
  mhl?: MhlIngestReport;
  /** Sidecars linked to their clips once the files were recorded (sidecars/link.ts). */
  sidecars: SidecarReport;
  /** Previews made, when asked for (`previews: true`). */
  previews?: PreviewReport;
  /** The reels (source volumes) the run recorded files on (reels/assign.ts). */
  reels: ReelRunReport[];
}

function mtimeIso(ms: number): string | null {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}


/**
 * Ingests files and folders into an archive opened for writing (issue #2): each regular file is
 * sniffed, copied into objects/ with a verified copy, described by its metadata, recorded with its
 * sighting, and covered by custody events (ingestion, message digest calculation, replication,
 * metadata extraction), all of one file in one transaction. Identical content is stored once;
 * a file already ingested from the same path, size, mtime, inode and ctime is reported `duplicate`
 * without being read again, which is what lets an interrupted run be finished by running it again.
 * Bad files end as `failed` with a reason and never stop the run. Cancelling `signal` stops
 * promptly (in-flight workers are terminated; their temporary files are removed on next open);
 * cancelled while the folders are still being listed, the report says so in `walkInterrupted`.
 */
export async function ingest(archive: Archive, opts: IngestOptions): Promise<IngestReport> {
  if (!archive.writable) throw new Error(`${archive.dir}: archive opened read-only; ingest needs the write lock`);
  const algorithms = [...new Set<DigestAlgorithm>(['sha256', ...(opts.algorithms ?? [])])];
  const runId = randomUUID();
  const host = hostName();
  const startedAt = new Date().toISOString();
  // The workers start while the folders are walked, unless the caller started them sooner.
  const pool: IngestPool = opts.pool ?? createIngestPool(opts.threads, opts.signal);
  // A walk cut short leaves `files` incomplete; no file is started then, as the signal that cut
  // it stays aborted (the workers below check it before each file).
  const { files, decided, interrupted: walkInterrupted } = await walkInputs(opts.inputs, opts.signal, [archive.dir]);
  // A card's own hash list: the files it names are hashed in its formats too, in the same read.
  const mhl = walkInterrupted ? null : await MhlIngestCheck.prepare(opts.inputs, files);
  const results: IngestFileResult[] = [];
  const record = (r: IngestFileResult) => {
    results.push(r);
    opts.onFile?.(r);
  };
  for (const r of decided) record(r);
  const reels = await assignReels(archive.db, { inputs: opts.inputs, files, reel: opts.reel, runId, at: startedAt });
  // Every file of `files` ends in exactly one report, which carries the exact bytes of a path
  // whose display form is not the path itself.
  const pathBytesOf = new Map<string, string>();
  for (const c of files) {
    const b = c.rawPath ? bytesField(c.rawPath) : undefined;
    if (b !== undefined) pathBytesOf.set(c.path, b);
  }
  const report = (r: IngestFileResult) => {
    const b = pathBytesOf.get(r.path);
    record(b === undefined ? r : { ...r, pathBytes: b });
    progress.filesDone++;
  };

  const counterBuf = new SharedArrayBuffer(8);
  const counter = new BigInt64Array(counterBuf);
  const progress: JobProgress = {
    filesDone: 0,
    filesTotal: files.length,
    bytesDone: 0,
    bytesTotal: files.reduce((s, f) => s + f.bytes, 0),
    currentFile: null,
  };
  // Workers add every byte they read to `counter`, so progress moves inside a large file; files
  // done without being read (already ingested) count through `unreadBytes`.
  let unreadBytes = 0;
  const emit = () => {
    progress.bytesDone = Math.min(progress.bytesTotal, unreadBytes + Number(Atomics.load(counter, 0)));
    opts.onProgress?.({ ...progress });
  };
  const timer = opts.onProgress ? setInterval(emit, opts.progressIntervalMs ?? 200) : null;

  let next = 0;
  let bytesIngested = 0;
  const inFlight = new Map<string, Promise<void>>();
  // Twice as many files in flight as the pool runs at once keep it busy while the main thread dispatches.
  const lanes = Math.max(1, pool.slots * 2);
  // A lane hands a copied file's records to the writer and goes on to the next file without
  // waiting for the commit; the file is reported once its commit is durable. Commits then
  // gather whatever arrived in 20 ms, so thousands of small files cost few disk flushes.
  const writer = new BatchedWriter(archive.db, { maxBatch: 256, maxDelayMs: 20 });
  const previews = opts.previews ? new PreviewQueue(archive, (t) => pool.preview(t), pool.threads, { signal: opts.signal }) : null;
  let previewReport: PreviewReport | undefined;
  let sidecars: SidecarReport = { links: [], warnings: [] };
  const committing = new Set<Promise<void>>();
  const MAX_COMMITTING = 512;
  const afterCommit = (c: Candidate, work: Promise<void>) => {
    const p: Promise<void> = work
      .catch((e: unknown) => {
        if (!opts.signal?.aborted) report({ path: c.path, status: 'failed', bytes: c.bytes, reason: failureText(c.path, e, c.rawPath) });
      })
      .finally(() => committing.delete(p));
    committing.add(p);
  };

  const processOne = async (c: Candidate): Promise<void> => {
    progress.currentFile = c.path;
    const done = findSightingBySource(archive.db, { pathBytes: c.pathBytes, legacyPath: legacyDisplayName(c.pathBytes) }, c.bytes, c.mtimeNs, c.ino, c.ctimeNs);
    // A digest asked for now but not held yet means reading the file again after all.
    if (done && !mhl?.lists(c.path) && algorithms.every((a) => a in getDigests(archive.db, done.itemId))) {
      unreadBytes += c.bytes;
      const skipped: IngestFileResult = { path: c.path, status: 'duplicate', sha256: done.sha256, itemId: done.itemId, bytes: c.bytes, reason: 'already ingested from this path (same size, modification time and inode): not read again' };
      const carry = sightingToCarry(archive.db, done.itemId, c, reels.reelOf(c), { operator: opts.operator, host, runId, ingestedAt: new Date().toISOString() });
      if (carry) afterCommit(c, writer.run(() => recordCarriedSighting(archive.db, done.itemId, done.sha256, carry)).then(() => report(skipped)));
      else report(skipped);
      return;
    }
    let copy: CopyResult;
    try {
      copy = await pooledCopy(pool, {
        src: c.rawPath ?? c.path, tmpDir: archive.tmpDir, objectsDir: archive.objectsDir, algorithms, counter: counterBuf,
        bytes: c.bytes, followLinks: c.givenAsInput === true, ...(mhl?.lists(c.path) ? { mhlFormats: mhl.formatsFor(c.path) } : {}),
      }, c.bytes);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      report({ path: c.path, status: 'failed', bytes: c.bytes, reason: failureText(c.path, e, c.rawPath) });
      mhl?.unread(c.path, failureText(c.path, e, c.rawPath));
      return;
    }
    mhl?.checked(c.path, { bytes: copy.bytes, sha256: copy.digests.sha256, mhl: copy.mhl });
    const now = new Date().toISOString();
    // The version whose bytes were stored, which may be newer than what the folder walk saw.
    const v = copy.source;
    const sighting: NewSighting = {
      path: c.path, name: c.name, pathBytes: c.pathBytes, bytes: copy.bytes, mtime: mtimeIso(v.mtimeMs), mtimeNs: v.mtimeNs, ino: v.ino, ctimeNs: v.ctimeNs,
      operator: opts.operator, host, ingestedAt: now, runId, reelId: reels.reelOf(c),
    };
    const sha = copy.digests.sha256;
    // Two files with the same content can be in flight at once: the second waits for the first's
    // catalog write and then becomes its duplicate, instead of racing it to insert the item.
    while (inFlight.has(sha)) await inFlight.get(sha)!.catch(() => undefined);
    const existing = findItemBySha(archive.db, sha);
    if (existing) {
      afterCommit(c, writer.run(() => recordDuplicate(archive, existing.id, copy, sighting, opts.operator)).then(() => {
        report({ path: c.path, status: 'duplicate', sha256: sha, itemId: existing.id, bytes: copy.bytes, kind: existing.record.kind, reason: 'same content already in the archive' });
      }));
      return;
    }
    const adding = addItem(c, copy, sighting);
    inFlight.set(sha, adding);
    afterCommit(c, adding.finally(() => inFlight.delete(sha)));
  };

  const addItem = async (c: Candidate, copy: CopyResult, sighting: NewSighting): Promise<void> => {
    // Metadata normally arrives with the copy; content stored by an interrupted run is read now.
    const meta = copy.metadata ?? await pool.extract({ path: copy.objectPath, mime: copy.mime, kind: copy.kind }).catch((e: unknown): MetadataResult => {
      if (opts.signal?.aborted) throw e;
      return emptyMetadata(`metadata extraction crashed: ${(e as Error).message}`);
    });
    const warnings = [...meta.warnings];
    if (copy.replacedDamagedObject) warnings.push(damagedObjectWarning(copy));
    if (copy.bytes === 0) warnings.push('zero-byte file: kept and hashed, but it holds no content');
    else if (copy.kind === 'other') warnings.push(`content matches no known media format (${copy.mime ?? 'unknown type'}): kept and hashed as kind "other"`);
    const hashes = copy.metadata ? { raw: copy.rawSha256, record: copy.recordSha256 } : {};
    const c2pa = copy.c2pa ?? await scanC2pa(copy.objectPath);
    const itemId = await writer.run(() => recordNewItem(archive, copy, meta, hashes, warnings, sighting, opts.operator, algorithms, c2pa));
    bytesIngested += copy.bytes;
    report({ path: c.path, status: 'added', sha256: copy.digests.sha256, itemId, bytes: copy.bytes, kind: copy.kind, ...(warnings.length ? { warnings } : {}), ...(meta.error ? { reason: `metadata: ${meta.error}` } : {}) });
    previews?.add({ path: c.path, sha256: copy.digests.sha256, kind: copy.kind, mime: copy.mime, durationSec: meta.fields.durationSec });
  };

  const worker = async () => {
    while (next < files.length && !opts.signal?.aborted) {
      const c = files[next++]!;
      try {
        await processOne(c);
      } catch (e) {
        if (opts.signal?.aborted) return;
        report({ path: c.path, status: 'failed', bytes: c.bytes, reason: failureText(c.path, e, c.rawPath) });
      }
      while (committing.size >= MAX_COMMITTING) await Promise.race(committing);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(lanes, files.length) }, worker));
  } finally {
    // Files already copied are recorded even when the run is cancelled: their objects are stored.
    writer.flush();
    while (committing.size) await Promise.all([...committing]);
    if (timer) clearInterval(timer);
    // Linked while the last previews are made: both only once every file's records are committed.
    sidecars = linkRunSidecars(archive, results, opts.operator);
    previewReport = await previews?.drain();
    if (!opts.pool) await pool.destroy();
  }
  progress.currentFile = null;
  if (progress.filesDone === files.length) unreadBytes = progress.bytesTotal; // failed reads end the file too
  emit();
  const processed = new Set(results.map((r) => r.path));
  const notProcessed = files.filter((f) => !processed.has(f.path)).length;
  const count = (s: IngestFileResult['status']) => results.filter((r) => r.status === s).length;
  const mhlReport = mhl?.finish(archive, runId, opts.operator);
  return {
    runId, operator: opts.operator, host, startedAt, finishedAt: new Date().toISOString(),
    interrupted: walkInterrupted || notProcessed > 0 || Boolean(opts.signal?.aborted),
    walkInterrupted,
    counts: { added: count('added'), duplicate: count('duplicate'), skipped: count('skipped'), failed: count('failed'), notProcessed },
    bytesIngested,
    files: results,
    ...(mhlReport ? { mhl: mhlReport } : {}),
    sidecars,
    ...(previewReport ? { previews: previewReport } : {}),
    reels: reels.finish(results),
  };
}

function emptyMetadata(error: string): MetadataResult {
  return { fields: emptyFields(), raw: {}, error, warnings: [] };
}

/** contentHashes computed in the worker with the metadata; those missing are computed here. */
interface KnownHashes {
  raw?: string | undefined;
  record?: string | undefined;
}

// The writes of one file, run by the BatchedWriter, which keeps all of them or none.
function recordNewItem(archive: Archive, copy: CopyResult, meta: MetadataResult, hashes: KnownHashes, warnings: string[], s: NewSighting, actor: string, algorithms: DigestAlgorithm[], c2pa: C2paScan): number {
  const rec = itemRecord(copy, meta);
  const db = archive.db;
  const id = insertItem(db, rec, meta.raw, meta.error, warnings, s.ingestedAt);
  insertDigests(db, id, copy.digests);
  const sightingId = insertSighting(db, id, s);
  const item = copy.digests.sha256;
  appendCustodyEvent(db, { actor, type: 'ingestion', item, at: s.ingestedAt, detail: {
    outcome: 'success', sighting: sightingId, sourcePath: s.path, ...sourcePathBytes(s), fileName: s.name, bytes: s.bytes, mtime: s.mtime, host: s.host, runId: s.runId,
    mime: copy.mime, kind: copy.kind,
  } });
  appendCustodyEvent(db, { actor, type: 'message digest calculation', item, at: s.ingestedAt, detail: {
    outcome: 'success', digests: copy.digests, algorithms, of: 'source file, in one read pass',
  } });
  appendCustodyEvent(db, { actor, type: 'replication', item, at: s.ingestedAt, detail: {
    ...replicationDetail(archive, copy),
  } });
  appendCustodyEvent(db, { actor, type: 'metadata extraction', item, at: s.ingestedAt, detail: {
    outcome: meta.error ? 'failure' : 'success', tool: Object.keys(meta.raw), ...(meta.error ? { error: meta.error } : {}),
    // Hashes of what the catalog stores, so `verify` can tell if the catalog rows were edited later.
    recordSha256: hashes.record ?? contentHash(rec), rawSha256: hashes.raw ?? contentHash(meta.raw),
    ...(warnings.length ? { warnings } : {}),
  } });
  recordCredentials(db, { itemId: id, sha256: item, scan: c2pa, actor, at: s.ingestedAt, trigger: 'ingest' });
  return id;
}

/**
 * `{ sourcePathBytes }` for an ingestion event: the source path's exact bytes, base64, when its
 * display form (`sourcePath`) is not the path itself; so the custody log alone names the file
 * exactly, and `verify` can hold the catalog's path_bytes to it.
 */
function sourcePathBytes(s: NewSighting): { sourcePathBytes?: string } {
  const b = bytesField(s.pathBytes);
  return b === undefined ? {} : { sourcePathBytes: b };
}

function damagedObjectWarning(copy: CopyResult): string {
  const d = copy.replacedDamagedObject!;
  return `the file at this content's address in objects/ did not hold it (found ${d.bytes} bytes, SHA-256 ${d.sha256}): replaced by this verified copy`;
}

/** Detail of a `replication` event: how the object came to be at its address. */
function replicationDetail(archive: Archive, copy: CopyResult): Record<string, unknown> {
  return {
    outcome: 'success', method: 'verified copy: write, fsync, re-read, re-hash SHA-256, rename', to: objectRel(archive, copy.objectPath),
    reusedExistingObject: copy.objectExisted,
    ...(copy.replacedDamagedObject ? { replacedDamagedObject: copy.replacedDamagedObject } : {}),
  };
}

// As recordNewItem, for content the archive already holds.
function recordDuplicate(archive: Archive, itemId: number, copy: CopyResult, s: NewSighting, actor: string): void {
  const db = archive.db;
  const digests = copy.digests;
  const sightingId = insertSighting(db, itemId, s);
  appendCustodyEvent(db, { actor, type: 'ingestion', item: digests.sha256, at: s.ingestedAt, detail: {
    outcome: 'duplicate: content already held, new sighting recorded', sighting: sightingId, sourcePath: s.path, ...sourcePathBytes(s), fileName: s.name,
    bytes: s.bytes, mtime: s.mtime, host: s.host, runId: s.runId,
  } });
  // This sighting's copy is the one in objects/ when it stored the object: two copies of one
  // content in flight at once, where the other reached the catalog first; or a damaged object replaced.
  if (!copy.objectExisted) {
    appendCustodyEvent(db, { actor, type: 'replication', item: digests.sha256, at: s.ingestedAt, detail: { ...replicationDetail(archive, copy), sighting: sightingId } });
  }
  // A later run may ask for digests the first did not compute; the read pass already produced them.
  const held = getDigests(db, itemId);
  const added = Object.fromEntries(Object.entries(digests).filter(([a]) => !(a in held)));
  if (Object.keys(added).length) {
    insertDigests(db, itemId, digests);
    appendCustodyEvent(db, { actor, type: 'message digest calculation', item: digests.sha256, at: s.ingestedAt, detail: { outcome: 'success', digests: added, of: 'source file, in one read pass' } });
  }
}

function objectRel(archive: Archive, p: string): string {
  return p.slice(archive.dir.length + 1).split('\\').join('/');
}
