import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { MetadataResult } from '../../common/types.ts';
import type { CopyResult, CopyTask, DigestTask, ExtractTask } from './task.ts';
import type { Digests } from '../../common/types.ts';

/** The worker threads that do per-file work (hashing, copying, metadata) off the main thread. */
export interface IngestPool {
  copy(t: CopyTask, signal?: AbortSignal): Promise<CopyResult>;
  extract(t: ExtractTask, signal?: AbortSignal): Promise<MetadataResult>;
  digest(t: DigestTask, signal?: AbortSignal): Promise<{ digests: Digests; bytes: number }>;
  readonly threads: number;
  destroy(): Promise<void>;
}

/**
 * Starts a pool of up to `threads` workers, started as work queues up (default: two per core,
 * because much of a small file's time is spent waiting for fsync rather than computing, and a
 * single large file then still uses one thread and little memory). Each task's errors reject its
 * promise with the worker's Error; an aborted signal terminates the task's worker.
 */
export function createIngestPool(threads = 2 * Math.max(1, availableParallelism())): IngestPool {
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  return {
    threads,
    copy: (t, signal) => pool.run(t, { name: 'copyTask', signal }) as Promise<CopyResult>,
    extract: (t, signal) => pool.run(t, { name: 'extractTask', signal }) as Promise<MetadataResult>,
    digest: (t, signal) => pool.run(t, { name: 'digestTask', signal }) as Promise<{ digests: Digests; bytes: number }>,
    destroy: () => pool.destroy(),
  };
}
