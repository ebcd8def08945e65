// Long work (ingest, fixity, export, bag check, thumbnails) runs as jobs: an id, throttled
// progress with rate and time left, per-file results, cancellation through an AbortSignal.
// The same runner drives the app's progress panel (through the archive service) and tests.
import { randomUUID } from 'node:crypto';
import type { ErrorCode, JobEvent, JobInfo, JobKind, JobProgressView, JobResult } from '../../common/ipc.ts';
import type { IngestFileResult, JobProgress } from '../../common/types.ts';

/** What a job's body receives. */
export interface JobContext {
  signal: AbortSignal;
  /** Reports progress; forwarded at most every `progressIntervalMs` (the last one always). */
  progress(p: JobProgress): void;
  /** Reports one file's final status (ingest). */
  file(r: IngestFileResult): void;
}

export interface JobSpec {
  kind: JobKind;
  /**
   * Exclusive jobs write the catalog and run one at a time, in the order started; the others
   * (bag checks, thumbnails) run at once beside them.
   */
  exclusive: boolean;
  run(ctx: JobContext): Promise<JobResult>;
}

/** Maps an error thrown by a job body to an IPC error code. */
export type ErrorMapper = (e: unknown) => { code: ErrorCode; message: string };

interface Job {
  info: JobInfo;
  controller: AbortController;
  spec: JobSpec;
  started: number;
}

/** Rate and time left from a progress sample and the time the job started (ms since epoch). */
export function progressView(p: JobProgress, startedMs: number, nowMs: number): JobProgressView {
  const secs = (nowMs - startedMs) / 1000;
  const rate = secs > 0.25 && p.bytesDone > 0 ? p.bytesDone / secs : null;
  const left = p.bytesTotal - p.bytesDone;
  return { ...p, rateBytesPerSec: rate, etaSec: rate ? Math.max(0, left / rate) : null };
}

/**
 * Runs jobs and reports them through `emit`: a `state` event when a job is queued, starts and
 * ends (done, failed, cancelled), `progress` events throttled to `progressIntervalMs`, and one
 * `file` event per ingested file. Keeps the last 50 finished jobs for `list()`.
 */
export class JobRunner {
  private jobs = new Map<string, Job>();
  private queue: Job[] = [];
  private exclusiveBusy = false;

  constructor(
    private readonly emit: (ev: JobEvent) => void,
    private readonly mapError: ErrorMapper,
    private readonly progressIntervalMs = 150,
  ) {}

  /** Queues or starts a job; returns its id at once. */
  start(spec: JobSpec): string {
    const id = randomUUID();
    const job: Job = {
      spec,
      controller: new AbortController(),
      started: Date.now(),
      info: { id, kind: spec.kind, state: 'queued', startedAt: new Date().toISOString(), progress: null, result: null, error: null },
    };
    this.jobs.set(id, job);
    this.prune();
    if (spec.exclusive) {
      this.queue.push(job);
      this.emitState(job);
      this.pump();
    } else {
      void this.runJob(job);
    }
    return id;
  }

  /** Cancels a queued or running job; false when it is unknown or already over. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || !['queued', 'running'].includes(job.info.state)) return false;
    job.controller.abort();
    if (job.info.state === 'queued') {
      this.queue = this.queue.filter((j) => j !== job);
      job.info.state = 'cancelled';
      this.emitState(job);
    }
    return true;
  }

  /** Every known job, newest first. */
  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info).reverse();
  }

  /** Cancels everything and waits until running jobs have stopped. */
  async shutdown(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.info.state === 'running' || j.info.state === 'queued');
    for (const j of running) this.cancel(j.info.id);
    const deadline = Date.now() + 30_000;
    while ([...this.jobs.values()].some((j) => j.info.state === 'running') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** True while any job is queued or running. */
  busy(): boolean {
    return [...this.jobs.values()].some((j) => j.info.state === 'running' || j.info.state === 'queued');
  }

  private pump(): void {
    if (this.exclusiveBusy) return;
    const next = this.queue.shift();
    if (!next) return;
    this.exclusiveBusy = true;
    void this.runJob(next).finally(() => {
      this.exclusiveBusy = false;
      this.pump();
    });
  }

  private async runJob(job: Job): Promise<void> {
    job.started = Date.now();
    job.info.state = 'running';
    this.emitState(job);
    let last = 0;
    let pending: JobProgress | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      if (!pending) return;
      last = Date.now();
      job.info.progress = progressView(pending, job.started, last);
      pending = null;
      this.emit({ type: 'progress', jobId: job.info.id, kind: job.info.kind, progress: job.info.progress });
    };
    const ctx: JobContext = {
      signal: job.controller.signal,
      progress: (p) => {
        pending = { ...p };
        const wait = this.progressIntervalMs - (Date.now() - last);
        if (wait <= 0) flush();
        else timer ??= setTimeout(flush, wait);
      },
      file: (r) => this.emit({ type: 'file', jobId: job.info.id, kind: job.info.kind, file: r }),
    };
    try {
      const result = await job.spec.run(ctx);
      if (timer) clearTimeout(timer);
      flush();
      job.info.result = result;
      job.info.state = job.controller.signal.aborted ? 'cancelled' : 'done';
    } catch (e) {
      if (timer) clearTimeout(timer);
      flush();
      if (job.controller.signal.aborted) job.info.state = 'cancelled';
      else {
        job.info.state = 'failed';
        job.info.error = this.mapError(e);
      }
    }
    this.emitState(job);
  }

  private emitState(job: Job): void {
    this.emit({ type: 'state', job: { ...job.info } });
  }

  private prune(): void {
    const over = [...this.jobs.values()].filter((j) => !['queued', 'running'].includes(j.info.state));
    for (const j of over.slice(0, Math.max(0, over.length - 50))) this.jobs.delete(j.info.id);
  }
}
