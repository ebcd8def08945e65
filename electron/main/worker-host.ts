import { Worker } from 'node:worker_threads';
import { fail, type JobEvent, type Result, type ServiceChannel } from '../common/ipc.ts';
import { MediaError, type MediaFile, type MediaRef } from '../core/media/resolve.ts';
import type { ArchiveWorkerData, FromWorker, ToWorker } from './worker-protocol.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Main's handle on the archive worker thread. */
export interface ArchiveWorker {
  call(channel: ServiceChannel, input: unknown): Promise<Result<unknown>>;
  /** Resolves a media reference inside the open archive; rejects with MediaError. */
  media(ref: MediaRef): Promise<MediaFile>;
  /** Closes the archive (cancelling jobs) and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts the worker at `file` (the bundled archive-worker.mjs) with `data`; job events go to
 * `onEvent`. If the thread dies, pending calls answer INTERNAL and later calls restart nothing:
 * the window shows the error and the user restarts the app.
 */
export function startArchiveWorker(file: URL, data: ArchiveWorkerData, onEvent: (ev: JobEvent) => void): ArchiveWorker {
  const worker = new Worker(file, { workerData: data });
  let next = 1;
  let dead: string | null = null;
  const pending = new Map<number, (m: FromWorker) => void>();
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'event') return onEvent(m.event);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const die = (why: string) => {
    dead = why;
    for (const [id, resolve] of pending) resolve({ id, type: 'result', result: fail('INTERNAL', `archive worker stopped: ${why}`) });
    pending.clear();
  };
  worker.on('error', (e) => die(e.message));
  worker.on('exit', (code) => die(`exit code ${code}`));
  const send = (m: WithoutId<ToWorker>): Promise<FromWorker> => new Promise((resolve) => {
    if (dead) return resolve({ id: 0, type: 'result', result: fail('INTERNAL', `archive worker stopped: ${dead}`) });
    const id = next++;
    pending.set(id, resolve);
    worker.postMessage({ ...m, id } as ToWorker);
  });
  return {
    async call(channel, input) {
      const r = await send({ type: 'call', channel, input });
      return r.type === 'result' ? r.result : fail('INTERNAL', 'unexpected answer from the archive worker');
    },
    async media(ref) {
      const r = await send({ type: 'media', ref });
      if (r.type === 'media' && r.file) return r.file;
      throw new MediaError(r.type === 'media' && (r.status === 400 || r.status === 416) ? r.status : 404, r.type === 'media' ? r.message : 'archive worker stopped');
    },
    async close() {
      if (!dead) await send({ type: 'close' });
      await worker.terminate();
    },
  };
}
