import type { JobProgress, Kind } from '../../common/types.ts';
import type { Archive } from '../archive.ts';
import { makeThumbnail } from './thumbnails.ts';
import { makeStrip } from './filmstrip.ts';

export interface DerivativesReport {
  made: number;
  existing: number;
  unsupported: number;
  failed: number;
  /** One line per failed item: "item <id>: <reason>". */
  failures: string[];
  /** Scrub strips of video clips (filmstrip.ts) made, and those that failed (also in failures). */
  strips: { made: number; failed: number };
}

/**
 * Makes every missing thumbnail and poster of the archive, and the scrub strip of each video clip, one item at a time so the machine
 * stays responsive (it runs in the background after an ingest). An item whose decoder fails is
 * counted and reported, never fatal. Stops early, with what is done so far, when `signal` aborts.
 * Progress counts items and their original bytes.
 */
export async function makeMissingThumbnails(
  archive: Archive,
  opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {},
): Promise<DerivativesReport> {
  const rows = archive.db.prepare('SELECT id, sha256, kind, mime, bytes, record FROM items ORDER BY id').all() as
    { id: number; sha256: string; kind: Kind; mime: string | null; bytes: number; record: string }[];
  const report: DerivativesReport = { made: 0, existing: 0, unsupported: 0, failed: 0, failures: [], strips: { made: 0, failed: 0 } };
  const p: JobProgress = { filesDone: 0, filesTotal: rows.length, bytesDone: 0, bytesTotal: rows.reduce((s, r) => s + r.bytes, 0), currentFile: null };
  for (const r of rows) {
    if (opts.signal?.aborted) break;
    p.currentFile = r.sha256;
    opts.onProgress?.({ ...p });
    try {
      const durationSec = (JSON.parse(r.record) as { durationSec?: number | null }).durationSec ?? null;
      report[await makeThumbnail(archive, { sha256: r.sha256, kind: r.kind, mime: r.mime, durationSec }, opts.signal)]++;
      if (r.kind === 'video' && durationSec) {
        // The scrub strip the Library shows on hover; its failure costs the hover, not the poster.
        try {
          if ((await makeStrip(archive, { sha256: r.sha256, durationSec }, opts.signal)) === 'made') report.strips.made++;
        } catch (e) {
          if (opts.signal?.aborted) break;
          report.strips.failed++;
          report.failures.push(`item ${r.id}: scrub strip: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      if (opts.signal?.aborted) break;
      report.failed++;
      report.failures.push(`item ${r.id}: ${(e as Error).message}`);
    }
    p.filesDone++;
    p.bytesDone += r.bytes;
  }
  p.currentFile = null;
  opts.onProgress?.({ ...p });
  return report;
}
