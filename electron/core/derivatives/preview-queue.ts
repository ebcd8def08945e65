// Thumbnails and posters made by the ingest workers as items arrive (CLI ingest, `evidence
// previews`). A preview is a convenience, never evidence: one that fails is a warning naming the
// file, and the ingest it belongs to still succeeds.
import type { JobProgress, Kind } from '../../common/types.ts';
import type { PreviewTask } from './preview-task.ts';
import type { ThumbOutcome } from './thumbnails.ts';

/** One item to make a preview of; `path` names it in warnings (a source path, or "item N"). */
export interface PreviewJob {
  path: string;
  sha256: string;
  kind: Kind;
  mime: string | null;
  durationSec: number | null;
}

/** What a batch of previews came to. */
export interface PreviewReport {
  made: number;
  existing: number;
  /** Audio, documents, and images no decoder reads: the window shows an icon. */
  unsupported: number;
  failed: number;
  /** One per failed item: the file, its content and the decoder's reason. */
  failures: { path: string; sha256: string; reason: string }[];
  /** Wall time from the first job queued to the last one finished, seconds. */
  seconds: number;
}

/** Only images and videos have a thumbnail or poster; the rest would be "unsupported" anyway. */
export const hasPreview = (kind: Kind): boolean => kind === 'image' || kind === 'video';

/**
 * Runs previews through `run` (a pool's preview task), at most `concurrency` at once, in the
 * order queued. `add` never blocks; `drain` resolves once every job queued so far has ended, and
 * nothing queued ever rejects it. After `signal` aborts, queued jobs are dropped.
 */
export class PreviewQueue {
  private readonly waiting: PreviewJob[] = [];
  private running = 0;
  private started: number | null = null;
  private idle: (() => void)[] = [];
  readonly report: PreviewReport = { made: 0, existing: 0, unsupported: 0, failed: 0, failures: [], seconds: 0 };
  private done = 0;
  private total = 0;

  private readonly dirs: { objectsDir: string; derivativesDir: string; derivativeKey?: Buffer | null };

  /** `archive`: where the originals are and where previews go (only these two paths are sent to the workers). */
  constructor(
    archive: { objectsDir: string; derivativesDir: string; derivativeKey?: Buffer | null },
    private readonly run: (t: PreviewTask) => Promise<ThumbOutcome>,
    private readonly concurrency: number,
    private readonly opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {},
  ) {
    this.dirs = { objectsDir: archive.objectsDir, derivativesDir: archive.derivativesDir, derivativeKey: archive.derivativeKey ?? null };
  }

  /** Queues one item; audio, documents and other kinds are counted unsupported at once. */
  add(job: PreviewJob): void {
    this.started ??= Date.now();
    if (!hasPreview(job.kind)) {
      this.report.unsupported++;
      return;
    }
    this.total++;
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length && !this.opts.signal?.aborted) {
      const job = this.waiting.shift()!;
      this.running++;
      void this.one(job).finally(() => {
        this.running--;
        this.done++;
        this.opts.onProgress?.({ filesDone: this.done, filesTotal: this.total, bytesDone: this.done, bytesTotal: this.total, currentFile: job.path });
        this.pump();
        if (this.running === 0 && (this.waiting.length === 0 || this.opts.signal?.aborted)) for (const f of this.idle.splice(0)) f();
      });
    }
  }

  private async one(job: PreviewJob): Promise<void> {
    try {
      const outcome = await this.run({ ...this.dirs, sha256: job.sha256, kind: job.kind, mime: job.mime, durationSec: job.durationSec });
      this.report[outcome]++;
    } catch (e) {
      if (this.opts.signal?.aborted) return;
      this.report.failed++;
      const reason = (e instanceof Error ? e.message : String(e)).trim().split('\n')[0]!;
      this.report.failures.push({ path: job.path, sha256: job.sha256, reason });
    }
  }

  /** Waits for every queued preview (or, after an abort, for those running) and returns the report. */
  async drain(): Promise<PreviewReport> {
    if (this.running > 0 || (this.waiting.length && !this.opts.signal?.aborted)) await new Promise<void>((r) => this.idle.push(r));
    this.report.seconds = this.started === null ? 0 : Math.round((Date.now() - this.started) / 100) / 10;
    return this.report;
  }
}
