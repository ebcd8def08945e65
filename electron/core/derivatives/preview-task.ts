// The worker-thread task that makes one item's thumbnail or poster (ingest pool, see
// ingest/pool.ts IngestPool.preview). sharp and the ffmpeg runner load on the first preview, so
// an ingest that makes none (--no-previews) never loads them into its workers.
import type { Kind } from '../../common/types.ts';
import type { ThumbOutcome } from './thumbnails.ts';

export interface PreviewTask {
  objectsDir: string;
  derivativesDir: string;
  /** Seals the preview (an encrypted archive; derivatives/sealed.ts); absent in a plain one. */
  derivativeKey?: Buffer | null;
  sha256: string;
  kind: Kind;
  mime: string | null;
  durationSec: number | null;
}

/** makeThumbnail on a worker thread; rejects with the decoder's Error as makeThumbnail throws it. */
export async function previewTask(t: PreviewTask): Promise<ThumbOutcome> {
  const { makeThumbnail } = await import('./thumbnails.ts');
  return makeThumbnail({ objectsDir: t.objectsDir, derivativesDir: t.derivativesDir, derivativeKey: t.derivativeKey }, { sha256: t.sha256, kind: t.kind, mime: t.mime, durationSec: t.durationSec });
}
