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

/** Buffers for files of up to this many bytes (a camera JPEG, a voice memo) are of this size. */
export const SMALL_FILE_BYTES = 1024 * 1024;

/** One size of buffer: at most `slots` of them exist, each reused once given back. */
interface BufferClass {
  size: number;
  slots: ByteBudget;
  free: Buffer[];
}

/**
 * Buffers for whole-file reads, reused and never dropped. V8 frees a dropped Buffer's memory only
 * when it next collects garbage, after tens of MB more have been allocated outside its heap: with
 * a fresh buffer for every photo, each worker thread carried ~60 MB of dead ones (600 MB with
 * eight threads), and a cache of mixed sizes still dropped buffers whenever the mix changed
 * (a card of 2–8 MB photos: 546 MB). So there are two sizes only: `smallSlots` buffers of
 * SMALL_FILE_BYTES and `largeSlots` of `largeBytes`; a thread never holds more than
 * smallSlots × 1 MiB + largeSlots × largeBytes, whatever the files.
 */
export class WholeFileBuffers {
  private readonly small: BufferClass;
  private readonly large: BufferClass;

  constructor(smallSlots: number, largeSlots: number, largeBytes: number) {
    this.small = { size: SMALL_FILE_BYTES, slots: new ByteBudget(Math.max(1, smallSlots)), free: [] };
    this.large = { size: largeBytes, slots: new ByteBudget(Math.max(1, largeSlots)), free: [] };
  }

  /**
   * Waits for a free buffer of the size that holds `n` bytes (SMALL_FILE_BYTES, else the large
   * size), then resolves to it and to `release`, to be called once its bytes are no longer read
   * or referenced: the buffer then goes to the next file. For `n` above the large size the
   * buffer is too small, and the reader allocates its own.
   */
  async take(n: number): Promise<{ buffer: Buffer; release: () => void }> {
    const c = n <= SMALL_FILE_BYTES ? this.small : this.large;
    const giveBack = await c.slots.acquire(1);
    const buffer = c.free.pop() ?? Buffer.allocUnsafeSlow(c.size);
    let released = false;
    return {
      buffer,
      release: () => {
        if (released) return;
        released = true;
        c.free.push(buffer);
        giveBack();
      },
    };
  }
}
