import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { MetadataResult } from '../../common/types.ts';
import type { CommitTask, CopyResult, CopyTask, DigestTask, ExtractTask, StageTask } from './task.ts';
import type { SourceStat } from './digest.ts';
import { largeBuffersPerThread, TASKS_PER_THREAD } from './memory-copy.ts';
import type { Digests } from '../../common/types.ts';
import type { PreviewTask } from '../derivatives/preview-task.ts';
import type { ThumbOutcome } from '../derivatives/thumbnails.ts';

/** The worker threads that do per-file work (hashing, copying, metadata) off the main thread. */
export interface IngestPool {
  copy(t: CopyTask): Promise<CopyResult>;
  extract(t: ExtractTask): Promise<MetadataResult>;
  digest(t: DigestTask): Promise<{ digests: Digests; bytes: number; mhl?: Record<string, string> }>;
  stage(t: StageTask): Promise<{ tmp: string; before: SourceStat }>;
  commit(t: CommitTask): Promise<CopyResult>;
  /** A thumbnail or poster (derivatives/preview-task.ts). */
  preview(t: PreviewTask): Promise<ThumbOutcome>;
  readonly threads: number;
  /** Tasks that can run at once: threads × tasks per thread. */
  readonly slots: number;
  destroy(): Promise<void>;
}

/**
 * The most worker threads a pool may have: four per core (more than one helps only when reading
 * waits on a slow disk or a network share), at least 8. Every thread is a JavaScript heap of its
 * own and holds files in memory (see IN_MEMORY_BUDGET_BYTES), so more only costs memory.
 */
export const MAX_THREADS = Math.max(8, availableParallelism() * 4);

/**
 * Starts a pool of up to `threads` workers (default: one per core), started as work queues up,
 * each running up to TASKS_PER_THREAD tasks at once. Each task's errors reject its promise with
 * the worker's Error. Cancelling `signal` terminates every worker, which rejects every task in
 * flight or queued; the tasks themselves carry no signal, because piscina runs a task that has
 * one alone on its thread (its least-busy balancer never shares a thread with an abortable
 * task), which left three of every four slots idle.
 */
export function createIngestPool(threads = Math.max(1, availableParallelism()), signal?: AbortSignal): IngestPool {
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: TASKS_PER_THREAD,
    idleTimeout: 60_000,
    // Each thread's share of the bytes of whole files held at once (task.ts memory()).
    workerData: { largeBuffers: largeBuffersPerThread(threads) },
  });
  let destroyed: Promise<void> | null = null;
  const destroy = () => (destroyed ??= pool.destroy());
  const onAbort = () => void destroy().catch(() => undefined);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const run = <T>(t: unknown, name: string): Promise<T> => (destroyed ? Promise.reject(new Error('the ingest pool was stopped')) : (pool.run(t, { name }) as Promise<T>));
  return {
    threads,
    slots: threads * TASKS_PER_THREAD,
    copy: (t) => run(t, 'copyTask'),
    extract: (t) => run(t, 'extractTask'),
    digest: (t) => run(t, 'digestTask'),
    stage: (t) => run(t, 'stageTask'),
    commit: (t) => run(t, 'commitTask'),
    preview: (t) => run(t, 'previewTask'),
    destroy: () => {
      signal?.removeEventListener('abort', onAbort);
      return destroy();
    },
  };
}

/** Files at least this large are copied with their two hash passes on two threads at once. */
export const LARGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Verified copy of one file through the pool. A large file is copied in the kernel and
 * fdatasynced first, then the source (all requested digests, one pass) and the copy (SHA-256)
 * are hashed on two worker threads at the same time, then checked and stored; that halves the
 * wall time of the two hash passes on a multi-core machine. Small files take one task, whose
 * round trip costs less than the overlap would gain. Same result and errors as copyTask.
 */
export async function pooledCopy(pool: IngestPool, t: CopyTask, bytes: number): Promise<CopyResult> {
  if (bytes < LARGE_FILE_BYTES || pool.threads < 2) return pool.copy(t);
  const followLinks = t.followLinks ?? false;
  const { tmp, before } = await pool.stage({ src: t.src, tmpDir: t.tmpDir, followLinks });
  try {
    const [source, copy] = await Promise.all([
      pool.digest({ path: t.src, algorithms: t.algorithms, counter: t.counter, followLinks, ...(t.mhlFormats?.length ? { mhlFormats: t.mhlFormats } : {}) }),
      pool.digest({ path: tmp, algorithms: ['sha256'], counter: null }),
    ]);
    return await pool.commit({ src: t.src, tmp, objectsDir: t.objectsDir, before, source, copy, followLinks });
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
