// The ingest command's replica hook, apart from replica.ts so that an ingest loads the replica
// code only when it added something (the CLI's start-up is kept small: see ingest.ts).
import { resolveOperator, type Archive } from '../../core/archive.ts';
import { t } from '../i18n/index.ts';
import type { Io } from '../io.ts';
import { errLine, outLine } from './text.ts';
import { errnoWords, replicaErrorWords, syncReasonWords } from './core-words.ts';
import type { ReplicateNote } from '../../core/replica/sync.ts';

/**
 * The ingest command's hook: copies the objects the run just added (`added`, SHA-256s) to every
 * connected replica; prints a line per replica updated (not with --json) and a warning on stderr
 * per replica not reached or copy not made. Never fails the ingest. Loads the replica code only
 * when something was added.
 */
export async function replicateIngested(archive: Archive, added: readonly string[], opts: { operator?: string; json?: boolean }, io: Io): Promise<void> {
  if (!added.length) return;
  const { replicateAfterIngest } = await import('../../core/replica/sync.ts');
  const out = await replicateAfterIngest(archive, added, { actor: resolveOperator(opts.operator), signal: io.signal });
  if (!opts.json) for (const r of out.reports) if (r.copied + r.replaced) outLine(io, t('replicas:ingestSynced', { name: r.replica, count: r.copied + r.replaced }));
  for (const n of out.notes) errLine(io, t('replicas:warning', { text: noteWords(n) }));
}

/** One replica warning of an ingest in the user's language; the core's reason words through core-words. */
function noteWords(n: ReplicateNote): string {
  switch (n.kind) {
    case 'unreachable': return t('replicas:ingestUnreachable', { name: n.replica, reason: replicaErrorWords(n.reason) });
    case 'not-copied': return t('replicas:ingestNotCopied', { name: n.replica, id: n.itemId, reason: syncReasonWords(n.reason, n.itemId) });
    case 'not-updated': return t('replicas:ingestNotUpdated', { name: n.replica, error: errnoWords({ message: n.error }) ?? replicaErrorWords(n.error) });
  }
}
