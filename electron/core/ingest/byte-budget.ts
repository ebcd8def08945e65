// How many bytes of whole files a worker thread may hold at once. Tasks run several to a thread
// (pool.ts); without a bound in bytes, eight 8 MiB photos in flight on each thread, and the
// garbage they leave until V8 collects it, took an ingest past 370 MB on two cores.

/**
 * A first-come, first-served budget of bytes. `acquire(n)` resolves, with its release function,
 * once `n` bytes fit in what is not held; a request larger than the whole budget is taken as the
 * whole budget, so it waits until nothing else is held but never forever.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: { n: number; go: () => void }[] = [];

  /** `total` in bytes (> 0). */
  constructor(readonly total: number) {}

  /** Resolves when `n` bytes (clamped to `total`) are held for the caller; call the result once to give them back. */
  acquire(n: number): Promise<() => void> {
    const want = Math.min(Math.max(0, n), this.total);
    return new Promise((resolve) => {
      const go = () => {
        this.held += want;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.held -= want;
          this.wake();
        });
      };
      // First come, first served: a large request is not starved by a stream of small ones.
      if (!this.waiting.length && this.held + want <= this.total) go();
      else this.waiting.push({ n: want, go });
    });
  }

  private wake(): void {
    while (this.waiting.length && this.held + this.waiting[0]!.n <= this.total) this.waiting.shift()!.go();
  }
}

/** Smallest buffer handed out (bytes): small files share few sizes, so their buffers are reused. */
const MIN_CLASS = 64 * 1024;

/** The power of two at or above `n` bytes, at least MIN_CLASS. */
function sizeClass(n: number): number {
  let c = MIN_CLASS;
  while (c < n) c *= 2;
  return c;
}

/**
 * Buffers for whole-file reads, reused. V8 frees a dropped Buffer's memory only when it next
 * collects garbage, which it does after tens of MB more have been allocated outside its heap:
 * with fresh 8 MiB buffers for every photo, each worker thread carried ~60 MB of dead ones
 * (600 MB with eight threads). Buffers come in power-of-two sizes from 64 KiB; each taken buffer
 * holds its whole size of `budget`, and buffers given back are kept for reuse up to `budget`
 * bytes in all (beyond that they are dropped).
 */
export class WholeFileBuffers {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  constructor(private readonly budget: ByteBudget) {}

  /**
   * Waits until a buffer of at least `n` bytes fits in the budget, then resolves to it (its
   * length is its size class, ≥ n) and to `release`, to be called once the bytes are no longer
   * read or referenced: the buffer is then handed to another file.
   */
  async take(n: number): Promise<{ buffer: Buffer; release: () => void }> {
    const size = sizeClass(n);
    const giveBack = await this.budget.acquire(size);
    const reused = this.free.get(size)?.pop();
    if (reused) this.freeBytes -= size;
    const buffer = reused ?? Buffer.allocUnsafeSlow(size);
    let released = false;
    return {
      buffer,
      release: () => {
        if (released) return;
        released = true;
        if (this.freeBytes + size <= this.budget.total) {
          const list = this.free.get(size) ?? [];
          list.push(buffer);
          this.free.set(size, list);
          this.freeBytes += size;
        }
        giveBack();
      },
    };
  }
}
