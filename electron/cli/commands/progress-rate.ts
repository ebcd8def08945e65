// The speed and time left of a long job (verify's progress line), steady enough to read: rates are
// exponentially weighted moving averages (EWMA) over the last tens of seconds, and the time left
// is the mean of two estimates — from the bytes left at the byte rate and from the items left at
// the item rate — itself smoothed, so that a run of small files followed by one large file (or the
// reverse) moves the estimate gradually instead of swinging from hours to seconds.

/** Time constant of the rate averages, in seconds: a change in speed weighs ~63 % after this long. */
export const RATE_TAU_S = 20;
/** Time constant of the smoothing of the time left, in seconds. */
export const ETA_TAU_S = 10;

/** One observation of a job's progress: when (ms, any monotonic clock) and the totals done so far. */
export interface ProgressSample {
  atMs: number;
  bytesDone: number;
  itemsDone: number;
}

/**
 * Rate and time-left estimator. Feed it samples in time order (sample), then read `bytesPerSecond`
 * and `secondsLeft(bytesLeft, itemsLeft)`. Units: bytes, items, seconds. The first sample only
 * sets the start (a resumed run's earlier work does not count as speed).
 */
export class RateEstimator {
  private last: ProgressSample | null = null;
  private byteRate: number | null = null;
  private itemRate: number | null = null;
  private eta: number | null = null;
  private etaAt = 0;

  /** Records a sample; samples at the same instant or earlier than the last are ignored. */
  sample(s: ProgressSample): void {
    const prev = this.last;
    if (prev && s.atMs <= prev.atMs) return;
    this.last = s;
    if (!prev) return;
    const dt = (s.atMs - prev.atMs) / 1000;
    const a = 1 - Math.exp(-dt / RATE_TAU_S);
    const br = (s.bytesDone - prev.bytesDone) / dt;
    const ir = (s.itemsDone - prev.itemsDone) / dt;
    // The first interval sets the averages outright: there is nothing to weigh it against.
    this.byteRate = this.byteRate === null ? br : this.byteRate + a * (br - this.byteRate);
    this.itemRate = this.itemRate === null ? ir : this.itemRate + a * (ir - this.itemRate);
  }

  /** Bytes per second (EWMA); 0 before two samples. */
  get bytesPerSecond(): number {
    return Math.max(0, this.byteRate ?? 0);
  }

  /**
   * Seconds left for `bytesLeft` bytes in `itemsLeft` items (smoothed, see the module comment);
   * 0 when nothing is left; null while the rates are unknown or zero.
   */
  secondsLeft(bytesLeft: number, itemsLeft: number): number | null {
    if (bytesLeft <= 0 && itemsLeft <= 0) return 0;
    const estimates: number[] = [];
    if (bytesLeft > 0 && (this.byteRate ?? 0) > 0) estimates.push(bytesLeft / this.byteRate!);
    if (itemsLeft > 0 && (this.itemRate ?? 0) > 0) estimates.push(itemsLeft / this.itemRate!);
    if (!estimates.length || !this.last) return null;
    const raw = estimates.reduce((x, y) => x + y, 0) / estimates.length;
    const now = this.last.atMs;
    if (this.eta === null) this.eta = raw;
    else if (now > this.etaAt) {
      // The estimate made earlier has counted down since; weigh the new one in.
      const aged = Math.max(0, this.eta - (now - this.etaAt) / 1000);
      this.eta = aged + (1 - Math.exp(-(now - this.etaAt) / 1000 / ETA_TAU_S)) * (raw - aged);
    }
    this.etaAt = now;
    return this.eta;
  }
}

/** A rate in bytes per second as "84.5 B", "12.3 MiB" (binary units, one decimal; the caller adds "/s"). */
export function formatRate(bytesPerSecond: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.max(0, bytesPerSecond);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
