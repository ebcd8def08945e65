// `evidence ingest`: its options, and the worker threads started before anything heavy loads.
// The archive, the catalog and the progress display come in ingest-run.ts, imported once the
// threads are booting: on a 2-core laptop their start-up (~0.1 s each) then overlaps the main
// thread's (~0.1 s of modules, then the archive and the folder walk) instead of following it.
import type { Command } from 'commander';
import { DIGEST_ALGORITHMS, type DigestAlgorithm } from '../../common/types.ts';
import { createIngestPool, MAX_THREADS } from '../../core/ingest/pool.ts';
import { UsageError, type Io } from '../io.ts';
import { t } from '../i18n/index.ts';
import { checkReelName } from '../../core/reels/name.ts';
import { archiveOption } from './options.ts';
import type { CliCommand } from './shared.ts';
import { printable } from './text.ts';

/** Parses `--digests sha256,md5,sha1`; throws UsageError naming an unknown algorithm. */
export function parseDigests(text: string | undefined): DigestAlgorithm[] {
  if (!text) return ['sha256'];
  const out: DigestAlgorithm[] = [];
  for (const raw of text.split(',')) {
    const a = raw.trim().toLowerCase().replace('-', '') as DigestAlgorithm;
    if (!DIGEST_ALGORITHMS.includes(a)) throw new UsageError(`--digests: unknown algorithm "${raw}" (choose from ${DIGEST_ALGORITHMS.join(', ')})`);
    if (!out.includes(a)) out.push(a);
  }
  if (!out.includes('sha256')) out.unshift('sha256');
  return out;
}

export const ingestCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('ingest').argument('<paths...>', 'files and folders to ingest (folders recursively)'))
      .option('--operator <name>', 'who is ingesting (recorded in the custody log; default $EVIDENCE_OPERATOR or the OS user)')
      .option('--digests <list>', 'digests to compute besides SHA-256: sha256,md5,sha1', 'sha256')
      .option('--threads <n>', t('commands:threads', { max: MAX_THREADS }))
      .option('--no-previews', t('sidecars-previews:optNoPreviews'))
      .option('--reel <name>', t('reels:opt_reel'))
      .option('--json', 'print the final report as JSON')
      .description('copy files into the archive with verified copies, digests, metadata and custody events'),
  async run([paths, opts]: unknown[], io: Io) {
    const o = opts as IngestCliOptions;
    const algorithms = parseDigests(o.digests);
    const threads = o.threads === undefined ? undefined : Number(o.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)) {
      throw new UsageError(`--threads: give a whole number from 1 to ${MAX_THREADS} (four per core on this machine)`);
    }
    if (o.reel !== undefined) {
      try {
        checkReelName(o.reel);
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
    }
    // Worker threads boot while the rest loads and the archive opens (a new one is created, its catalog migrated).
    const pool = createIngestPool(threads, io.signal);
    try {
      const { runIngest } = await import('./ingest-run.ts');
      return await runIngest(paths as string[], o, algorithms, pool, io);
    } finally {
      await pool.destroy();
    }
  },
};

/** The options commander parses for `evidence ingest`. */
export interface IngestCliOptions {
  archive?: string;
  operator?: string;
  digests?: string;
  json?: boolean;
  threads?: string;
  /** False with --no-previews. */
  previews?: boolean;
  reel?: string;
}
