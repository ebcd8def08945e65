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

/** How long a stop waits for the tasks in flight to finish before terminating the workers (ms). */
export const STOP_GRACE_MS = 250;

/**
 * Starts a pool of up to `threads` workers (default: one per core), started as work queues up,
 * each running up to TASKS_PER_THREAD tasks at once. Each task's errors reject its promise with
 * the worker's Error. Cancelling `signal` (or destroy()) lets the tasks in flight finish for up
 * to STOP_GRACE_MS, then terminates every worker, which rejects every task still in flight or
 * queued; the tasks themselves carry no signal, because piscina runs a task that has
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
  const inFlight = new Set<Promise<unknown>>();
  // Terminating a worker while it loads a native addon (koffi, loaded on a thread's first fixity
  // read or verified copy: page-cache.ts) aborts the whole process (napi_throw during module
  // registration is fatal). The tasks in flight get a short grace to finish first: a small file's
  // takes milliseconds, and a large one is then stopped mid-read, where termination is safe.
  const destroy = () => (destroyed ??= (async () => {
    if (inFlight.size) await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
    await pool.destroy();
  })());
  // Stopped just as a task's result was on its way: destroy() has rejected the task and terminated
  // its worker, the result message still arrives, finds no task, and piscina emits 'error'
  // ("Unexpected message from Worker") on the pool — an uncaught exception that crashed the
  // process. Once destroying, every task is already settled: such a late message is dropped.
  // Any other pool error (a worker failing with no task to reject) stays uncaught, as before.
  pool.on('error', (e: unknown) => {
    if (destroyed) return;
    process.nextTick(() => {
      throw e;
    });
  });
  const onAbort = () => void destroy().catch(() => undefined);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const run = <T>(t: unknown, name: string): Promise<T> => {
    if (destroyed) return Promise.reject(new Error('the ingest pool was stopped'));
    const p = pool.run(t, { name }) as Promise<T>;
    inFlight.add(p);
    const forget = () => void inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };
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
