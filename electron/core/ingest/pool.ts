import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { MetadataResult } from '../../common/types.ts';
import type { CommitTask, CopyResult, CopyTask, DigestTask, ExtractTask, StageTask } from './task.ts';
import type { SourceStat } from './digest.ts';
import type { Digests } from '../../common/types.ts';

/** The worker threads that do per-file work (hashing, copying, metadata) off the main thread. */
export interface IngestPool {
  copy(t: CopyTask, signal?: AbortSignal): Promise<CopyResult>;
  extract(t: ExtractTask, signal?: AbortSignal): Promise<MetadataResult>;
  digest(t: DigestTask, signal?: AbortSignal): Promise<{ digests: Digests; bytes: number }>;
  stage(t: StageTask, signal?: AbortSignal): Promise<{ tmp: string; before: SourceStat }>;
  commit(t: CommitTask, signal?: AbortSignal): Promise<CopyResult>;
  readonly threads: number;
  /** Tasks that can run at once: threads × tasks per thread. */
  readonly slots: number;
  destroy(): Promise<void>;
}

/** Tasks each worker thread runs at once: a small file spends most of its time waiting for fsync. */
const TASKS_PER_THREAD = 4;

/**
 * Starts a pool of up to `threads` workers (default: one per core), started as work queues up,
 * each running up to four tasks at once: while one task waits for fsync (done off the thread)
 * the thread hashes and parses others. Each task's errors reject its promise with the worker's
 * Error; an aborted signal terminates the task's worker.
 */
export function createIngestPool(threads = Math.max(1, availableParallelism())): IngestPool {
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: TASKS_PER_THREAD,
    idleTimeout: 60_000,
  });
  return {
    threads,
    slots: threads * TASKS_PER_THREAD,
    copy: (t, signal) => pool.run(t, { name: 'copyTask', signal }) as Promise<CopyResult>,
    extract: (t, signal) => pool.run(t, { name: 'extractTask', signal }) as Promise<MetadataResult>,
    digest: (t, signal) => pool.run(t, { name: 'digestTask', signal }) as Promise<{ digests: Digests; bytes: number }>,
    stage: (t, signal) => pool.run(t, { name: 'stageTask', signal }) as Promise<{ tmp: string; before: SourceStat }>,
    commit: (t, signal) => pool.run(t, { name: 'commitTask', signal }) as Promise<CopyResult>,
    destroy: () => pool.destroy(),
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
export async function pooledCopy(pool: IngestPool, t: CopyTask, bytes: number, signal?: AbortSignal): Promise<CopyResult> {
  if (bytes < LARGE_FILE_BYTES || pool.threads < 2) return pool.copy(t, signal);
  const { tmp, before } = await pool.stage({ src: t.src, tmpDir: t.tmpDir }, signal);
  try {
    const [source, copy] = await Promise.all([
      pool.digest({ path: t.src, algorithms: t.algorithms, counter: t.counter }, signal),
      pool.digest({ path: tmp, algorithms: ['sha256'], counter: null }, signal),
    ]);
    return await pool.commit({ src: t.src, tmp, objectsDir: t.objectsDir, before, source, copy }, signal);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
