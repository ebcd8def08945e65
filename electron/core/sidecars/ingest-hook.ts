// The ingest run's hook into sidecar linking (called once the run's records are committed).
import type { IngestFileResult } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { linkSidecars, type SidecarReport } from './link.ts';

/**
 * Links the sidecars of an ingest run's files (added or duplicate, each with its item) and
 * returns what was linked; never throws: a failure becomes one warning, and the run's files stay
 * as ingested (ingesting the same files again links them: they come back as duplicates of this run).
 */
export function linkRunSidecars(archive: { db: Db; objectsDir: string }, results: readonly IngestFileResult[], actor: string): SidecarReport {
  const files = results.filter((r) => r.itemId !== undefined && (r.status === 'added' || r.status === 'duplicate')).map((r) => ({ itemId: r.itemId!, path: r.path }));
  if (!files.length) return { links: [], warnings: [] };
  try {
    return linkSidecars(archive, files, actor);
  } catch (e) {
    return { links: [], warnings: [{ path: files[0]!.path, message: `sidecars not linked: ${(e as Error).message}` }] };
  }
}
