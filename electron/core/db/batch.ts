import type { Db } from './open.ts';

interface Job {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Groups small catalog writes into one SQLite transaction. With synchronous=FULL every commit
 * waits for the disk, and an ingest of thousands of photos would spend most of its time there;
 * committing a few dozen files' records together keeps the durability and divides the waits.
 * A job that throws fails alone: its promise rejects and none of its writes are kept, while the
 * other jobs of its batch commit; an error after which SQLite rolled back the whole transaction
 * (a full disk) rejects the whole batch, and nothing of it is kept. A job's promise resolves
 * only after the commit that made it durable. Jobs must write only to the catalog (they may run
 * twice; see flush) and let catalog errors propagate.
 */
export class BatchedWriter {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly opts: { maxBatch?: number; maxDelayMs?: number } = {}) {}

  /** Queues `fn` (synchronous catalog writes); resolves to its result once committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= (this.opts.maxBatch ?? 64)) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.maxDelayMs ?? 25);
    });
  }

  /**
   * Commits everything queued now. The batch first runs as one plain transaction. Only when a
   * job throws is it rolled back whole and run again with each job in its own savepoint, so the
   * failing job rolls back alone: a savepoint per job costs SQLite a copy of every page the job
   * touches (its statement journal), about 25 pages for an ingested file.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const jobs = this.queue;
    this.queue = [];
    if (!jobs.length) return;
    let values: unknown[];
    try {
      values = this.db.transaction(() => jobs.map((j) => j.fn()))();
    } catch {
      this.flushEachInSavepoint(jobs);
      return;
    }
    jobs.forEach((j, i) => j.resolve(values[i]));
  }

  private flushEachInSavepoint(jobs: Job[]): void {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        for (const j of jobs) {
          try {
            outcomes.push({ ok: true, value: this.db.transaction(j.fn)() });
          } catch (e) {
            // SQLITE_FULL, IOERR, NOMEM or BUSY can roll back the whole transaction, not just
            // the job's savepoint: the jobs after it would then each commit on their own, and
            // the batch's COMMIT fail, rejecting jobs whose writes were kept. Abandon the batch.
            if (!this.db.inTransaction) throw e;
            outcomes.push({ ok: false, value: e });
          }
        }
      })();
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    jobs.forEach((j, i) => (outcomes[i]!.ok ? j.resolve(outcomes[i]!.value) : j.reject(outcomes[i]!.value)));
  }
}
