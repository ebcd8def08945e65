// Per-file work that runs in worker threads: sniff, verified copy into the object store, metadata.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DigestAlgorithm, Digests, Kind, MetadataResult } from '../../common/types.ts';
import { itemRecord } from '../metadata/record.ts';
import { objectPath, syncParents } from '../objects.ts';
import { parentSyncNeeded, syncDir } from '../durable.ts';
import { extractMetadata } from '../metadata/index.ts';
import { sniffFile } from './sniff.ts';
import { checkVerifiedCopy, digestFile, stageCopy, verifiedCopy, type SourceStat } from './digest.ts';
import { checkSourceUnchanged, digestBytes, fileHolds, IN_MEMORY_MAX_BYTES, largeBuffersPerThread, readWholeFile, TASKS_PER_THREAD, writeVerifiedCopy } from './memory-copy.ts';
import { WholeFileBuffers } from './byte-budget.ts';
import { workerData } from 'node:worker_threads';
import { contentHash } from '../custody/content-hash.ts';
import { makeDirs } from '../dirs.ts';
import { dropCachedFilePages } from '../page-cache.ts';
import { mhlHashersFor, type MhlDigests } from '../mhl/ingest-hashers.ts';
import { scanC2pa, type C2paScan } from '../c2pa/read.ts';

export interface CopyTask {
  /** The source: a path, or its bytes when the name is not UTF-8 (arrives as a Uint8Array). */
  src: string | Uint8Array;
  tmpDir: string;
  objectsDir: string;
  algorithms: DigestAlgorithm[];
  /** SharedArrayBuffer of one BigInt64 slot, incremented by the bytes read. */
  counter: SharedArrayBuffer | null;
  /** Size in bytes the folder walk saw: what a whole read will hold of the thread's memory budget. */
  bytes?: number;
  /** True for a path given directly as an input: a symbolic link there is followed; inside folders never (openSource). */
  followLinks?: boolean;
  /** Hash formats a card's hash list (ASC MHL, MHL v1.1) records for this file, computed in the same read pass. */
  mhlFormats?: string[];
}

export interface CopyResult {
  digests: Digests;
  bytes: number;
  mime: string | null;
  kind: Kind;
  objectPath: string;
  /** True when the store already held this content (checked by reading it; nothing was written). */
  objectExisted: boolean;
  /**
   * Set when a file at the object's address did not hold the content its name says (damaged or
   * planted): what was found there (SHA-256, bytes). This task's verified copy replaced it.
   */
  replacedDamagedObject?: { sha256: string; bytes: number };
  /** The version of the source that was read (from the descriptor the bytes came through). */
  source: SourceStat;
  /** Metadata of a newly stored object, read in the same task to save a round trip; absent for content already held. */
  metadata?: MetadataResult;
  /** contentHash of `metadata.raw`, with `metadata`. */
  rawSha256?: string;
  /** contentHash of the item's normalized record (see itemRecord), with `metadata`. */
  recordSha256?: string;
  /** The source's hashes in CopyTask.mhlFormats (mhl/hash.ts formats), when asked. */
  mhl?: MhlDigests;
  /** The C2PA manifest store read and validated with `metadata` (c2pa/read.ts), before any trust decision. */
  c2pa?: C2paScan;
}

let buffers: WholeFileBuffers | null = null;

/**
 * This thread's buffers for whole-file reads: one small buffer per task it runs at once, and
 * `largeBuffers` from the pool's workerData (see createIngestPool) of IN_MEMORY_MAX_BYTES, or
 * what IN_MEMORY_BUDGET_BYTES allows where tasks run outside a pool.
 */
function memory(): WholeFileBuffers {
  const given = (workerData as { largeBuffers?: number } | null)?.largeBuffers;
  return (buffers ??= new WholeFileBuffers(TASKS_PER_THREAD, given ?? largeBuffersPerThread(1), IN_MEMORY_MAX_BYTES));
}

/** Second-level store folders (objects/sha256/ab/cd) whose entry this thread has synced in their parent. */
const durableShards = new Set<string>();

/**
 * Makes the entry of the store folder `shard` durable in its parent, once per folder and thread:
 * a folder made here, or by another thread a moment ago, is lost by a power cut until its parent
 * is synced (POSIX; FAT and exFAT lose it). Skipped on file systems that make it durable with the
 * folder's own sync (parentSyncNeeded: ext4, XFS). `made` is what mkdir made on the way (the first
 * folder), when it made any: its parents are synced too.
 */
async function makeShardDurable(shard: string, made: string | undefined): Promise<void> {
  if (made === undefined && durableShards.has(shard)) return;
  // Asked of the store (objects/sha256), not of each new folder: one statfs per store and thread.
  if (parentSyncNeeded(dirname(dirname(shard)))) await syncParents(shard, made ?? shard);
  durableShards.add(shard);
}

/**
 * Sniffs `src` by content, makes a verified copy in the archive's tmp folder and moves it to its
 * content address under objects/ (read-only), unless the store already holds that content (a
 * file already at the address is trusted only after reading it; one that does not hold the
 * content is replaced and reported in replacedDamagedObject).
 * A file of at most IN_MEMORY_MAX_BYTES is read once: hashed, sniffed, written and parsed from
 * that buffer, and read a second time after the copy is verified, which must give the same
 * bytes; a larger one is copied in the kernel while it is hashed (verifiedCopy). The source is
 * only ever opened for reading. Throws fs errors and CopyVerificationError.
 */
export async function copyTask(t: CopyTask): Promise<CopyResult> {
  const counter = t.counter ? new BigInt64Array(t.counter) : null;
  const src = typeof t.src === 'string' ? t.src : Buffer.from(t.src);
  const follow = t.followLinks ?? false;
  const extra = await mhlHashersFor(t.mhlFormats);
  if ((t.bytes ?? 0) <= IN_MEMORY_MAX_BYTES) {
    // Held until the task ends: the bytes are parsed for metadata after the copy is stored, and
    // nothing returned refers to them (metadata is copied into plain JSON values).
    const { buffer, release } = await memory().take(t.bytes ?? IN_MEMORY_MAX_BYTES);
    try {
      const whole = readWholeFile(src, IN_MEMORY_MAX_BYTES, counter, follow, buffer);
      if (whole) {
        extra?.update(whole.bytes);
        return withMhl(await copyFromMemory(src, whole.bytes, whole.stat, t), extra);
      }
    } finally {
      release();
    }
  }
  const tmp = join(t.tmpDir, `${randomUUID()}.part`);
  try {
    const { digests, bytes, stat } = await verifiedCopy(src, tmp, t.algorithms, counter, follow, extra ?? undefined);
    // Sniffed from the verified copy: same bytes, and its path is plain ASCII whatever the source's name.
    const { mime, kind } = await sniffFile(tmp);
    return withMhl(await storeObject(tmp, t.objectsDir, { digests, bytes, mime, kind, source: stat }), extra);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `r` with the MHL hashes of `extra` (none when no format was asked). */
function withMhl<T extends object>(r: T, extra: Awaited<ReturnType<typeof mhlHashersFor>>): T & { mhl?: MhlDigests } {
  return extra ? { ...r, mhl: extra.digests() } : r;
}

async function copyFromMemory(src: string | Buffer, bytes: Buffer, stat: SourceStat, t: CopyTask): Promise<CopyResult> {
  const digests = digestBytes(bytes, t.algorithms);
  const { mime, kind } = await sniffFile({ path: String(src), bytes });
  const found: Found = { digests, bytes: bytes.length, mime, kind, source: stat };
  const dest = objectPath(t.objectsDir, digests.sha256);
  if (existsSync(dest) && fileHolds(dest, bytes)) return { ...found, objectPath: dest, objectExisted: true };
  const tmp = join(t.tmpDir, `${randomUUID()}.part`);
  try {
    await writeVerifiedCopy(src, bytes, digests.sha256, tmp);
    checkSourceUnchanged(src, bytes, t.followLinks ?? false);
    return await storeObject(tmp, t.objectsDir, found, bytes);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** What is known of a verified copy before it is stored. */
interface Found {
  digests: Digests;
  bytes: number;
  mime: string | null;
  kind: Kind;
  source: SourceStat;
}

/**
 * Moves a verified copy at `tmp` to its content address (read-only, directory entry fsynced) and
 * reads its metadata (from `inMemory` when the content is already in memory), or discards it
 * when the store already holds that content. A file at the address is read before it is trusted:
 * one that does not hold the content is replaced by the verified copy and reported.
 */
async function storeObject(tmp: string, objectsDir: string, found: Found, inMemory?: Buffer): Promise<CopyResult> {
  const dest = objectPath(objectsDir, found.digests.sha256);
  let replacedDamagedObject: CopyResult['replacedDamagedObject'];
  if (existsSync(dest)) {
    const there = digestFile(dest, ['sha256']);
    if (there.digests.sha256 === found.digests.sha256 && there.bytes === found.bytes) {
      rmSync(tmp, { force: true });
      return { ...found, objectPath: dest, objectExisted: true };
    }
    replacedDamagedObject = { sha256: there.digests.sha256, bytes: there.bytes };
  }
  const made = makeDirs(dirname(dest));
  if (!inMemory) chmodSync(tmp, 0o444); // writeVerifiedCopy creates its file read-only
  renameSync(tmp, dest);
  // The object's own entry, and its folder's entry in the store; both before the copy is reported.
  await Promise.all([syncDir(dirname(dest)), makeShardDurable(dirname(dest), made)]);
  const metadata = await extractMetadata(inMemory ? { path: dest, bytes: inMemory } : dest, found.mime, found.kind);
  // Content Credentials from the same bytes; a large file is read again only if it carries a store.
  const c2pa = await scanC2pa(inMemory ? { path: dest, bytes: inMemory } : dest);
  // A small file's copy left the cache when it was verified (writeVerifiedCopy); a large one's
  // only now, after the metadata was read from it.
  if (!inMemory) dropCachedFilePages(dest);
  // Hashed here rather than on the catalog's thread, which every file's records pass through.
  return {
    ...found, objectPath: dest, objectExisted: false, ...(replacedDamagedObject ? { replacedDamagedObject } : {}),
    metadata, rawSha256: contentHash(metadata.raw), recordSha256: contentHash(itemRecord(found, metadata)), c2pa,
  };
}

export interface StageTask {
  src: string | Uint8Array;
  tmpDir: string;
  /** As CopyTask.followLinks. */
  followLinks?: boolean;
}

/** Large files, step 1: kernel copy of `src` into tmp/, fdatasynced (see stageCopy). */
export async function stageTask(t: StageTask): Promise<{ tmp: string; before: SourceStat }> {
  const tmp = join(t.tmpDir, `${randomUUID()}.part`);
  try {
    return { tmp, before: await stageCopy(typeof t.src === 'string' ? t.src : Buffer.from(t.src), tmp, t.followLinks ?? false) };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface CommitTask {
  src: string | Uint8Array;
  tmp: string;
  objectsDir: string;
  before: SourceStat;
  source: { digests: Digests; bytes: number; mhl?: MhlDigests };
  copy: { digests: Digests; bytes: number };
  /** As CopyTask.followLinks. */
  followLinks?: boolean;
}

/** Large files, step 3, after both digests: check the copy (checkVerifiedCopy), then store it. */
export async function commitTask(t: CommitTask): Promise<CopyResult> {
  try {
    checkVerifiedCopy(typeof t.src === 'string' ? t.src : Buffer.from(t.src), t.before, t.source, t.copy, t.followLinks ?? false);
    const { mime, kind } = await sniffFile(t.tmp);
    const stored = await storeObject(t.tmp, t.objectsDir, { digests: t.source.digests, bytes: t.source.bytes, mime, kind, source: t.before });
    return t.source.mhl ? { ...stored, mhl: t.source.mhl } : stored;
  } catch (e) {
    rmSync(t.tmp, { force: true });
    throw e;
  }
}

export interface ExtractTask {
  path: string;
  mime: string | null;
  kind: Kind;
}

/** Metadata of an archived object (never throws for a bad file; see extractMetadata). */
export async function extractTask(t: ExtractTask): Promise<MetadataResult> {
  return extractMetadata(t.path, t.mime, t.kind);
}

export interface DigestTask {
  path: string | Uint8Array;
  algorithms: DigestAlgorithm[];
  counter: SharedArrayBuffer | null;
  /** False for a source met inside a folder (openSource); objects and given inputs are followed. */
  followLinks?: boolean;
  /** True for a fixity check: read from the storage device, not from cached pages (see digestFile). */
  fromDevice?: boolean;
  /** As CopyTask.mhlFormats: also computed in the same pass, returned as `mhl`. */
  mhlFormats?: string[];
}

/** Digests of a file in one read pass (see digestFile); used by fixity checks. Throws fs errors. */
export async function digestTask(t: DigestTask): Promise<{ digests: Digests; bytes: number; mhl?: MhlDigests }> {
  const extra = await mhlHashersFor(t.mhlFormats);
  const r = digestFile(typeof t.path === 'string' ? t.path : Buffer.from(t.path), t.algorithms, t.counter ? new BigInt64Array(t.counter) : null, t.followLinks ?? true, t.fromDevice ?? false, extra ?? undefined);
  return extra ? { ...r, mhl: extra.digests() } : r;
}

// Thumbnails and posters, made on these threads after ingest (derivatives/preview-queue.ts).
export { previewTask } from '../derivatives/preview-task.ts';
