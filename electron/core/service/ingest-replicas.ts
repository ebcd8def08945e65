// The desktop ingest's replica step (issue 15 §3), as the CLI's ingest does it
// (cli/commands/replica-hook.ts): the objects a run added are copied to every connected replica.
import type { Archive } from '../archive.ts';
import type { IngestReport } from '../ingest/ingest.ts';

/** What the ingest job's result says of replicas: copies made per replica, and the replicas not updated. */
export interface IngestReplicas {
  replicas?: { name: string; copied: number }[];
  replicaWarnings?: string[];
}

/**
 * Copies the objects `report` added to every reachable replica (replicateAfterIngest, trigger
 * "ingest", one custody event per replica), as `actor`. Nothing when nothing was added or the run
 * was cancelled. A replica not reached, or a copy not made, is a warning in the result, never a
 * failure of the ingest: it is done and recorded, and `evidence replica sync` fills the replica
 * later. Loads the replica code only when something was added. Throws only SQLite errors.
 */
export async function replicateIngestJob(a: Archive, report: Pick<IngestReport, 'files'>, actor: string, signal: AbortSignal): Promise<IngestReplicas> {
  const added = report.files.flatMap((f) => (f.status === 'added' && f.sha256 ? [f.sha256] : []));
  if (!added.length || signal.aborted) return {};
  const { replicateAfterIngest } = await import('../replica/sync.ts');
  const out = await replicateAfterIngest(a, added, { actor, signal });
  if (!out.reports.length && !out.warnings.length) return {};
  return { replicas: out.reports.map((r) => ({ name: r.replica, copied: r.copied + r.replaced })), replicaWarnings: out.warnings };
}
