// `evidence previews [--missing] [--force] [ITEM…]`: makes the thumbnails and posters an archive
// lacks (one ingested with --no-previews, by an older version, or whose derivatives/ was
// deleted) on worker threads, with a progress bar on a terminal. Previews are not evidence: no
// custody event, and a failing one is a warning, never a failed run.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Kind } from '../../common/types.ts';
import { hasPreview, PreviewQueue, type PreviewJob } from '../../core/derivatives/preview-queue.ts';
import { thumbnailPath } from '../../core/derivatives/thumbnails.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { createIngestPool, MAX_THREADS } from '../../core/ingest/pool.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { previewLines } from './sidecars-text.ts';
import { outLine, printable } from './text.ts';

interface PreviewsOptions {
  archive?: string;
  missing?: boolean;
  force?: boolean;
  threads?: string;
  json?: boolean;
}

interface Row {
  id: number;
  sha256: string;
  kind: Kind;
  mime: string | null;
  record: string;
}

export const previewsCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('previews').argument('[items...]', t('sidecars-previews:previewsItemsArg')))
      .option('--missing', t('sidecars-previews:optMissing'))
      .option('--force', t('sidecars-previews:optForce'))
      .option('--threads <n>', `worker threads, 1 to ${MAX_THREADS} (default: one per core)`)
      .option('--json', 'print the report as JSON')
      .description(t('sidecars-previews:previewsDesc')),
  async run([refs, opts]: unknown[], io: Io) {
    const o = opts as PreviewsOptions;
    if (o.missing && o.force) throw new UsageError('--missing and --force contradict each other: give one');
    const threads = o.threads === undefined ? undefined : Number(o.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)) {
      throw new UsageError(`--threads: give a whole number from 1 to ${MAX_THREADS}`);
    }
    return withArchive(o, {}, async (a) => {
      let rows: Row[];
      const one = a.db.prepare('SELECT id, sha256, kind, mime, record FROM items WHERE id = ?');
      if ((refs as string[]).length) {
        rows = (refs as string[]).map((ref) => {
          try {
            return one.get(resolveItemRef(a.db, ref).id) as Row;
          } catch (e) {
            throw new UsageError(printable((e as Error).message));
          }
        });
      } else {
        rows = a.db.prepare('SELECT id, sha256, kind, mime, record FROM items ORDER BY id').all() as Row[];
      }
      const jobs: PreviewJob[] = [];
      const nameOf = a.db.prepare('SELECT file_name FROM sightings WHERE item_id = ? ORDER BY id LIMIT 1').pluck();
      for (const r of rows) {
        if (!hasPreview(r.kind)) continue;
        const out = thumbnailPath(a.derivativesDir, r.sha256);
        if (o.force) await rm(out, { force: true });
        else if (existsSync(out)) continue;
        const durationSec = (JSON.parse(r.record) as { durationSec?: number | null }).durationSec ?? null;
        const name = nameOf.get(r.id) as string | undefined;
        jobs.push({ path: `item ${r.id}${name ? ` (${name})` : ''}`, sha256: r.sha256, kind: r.kind, mime: r.mime, durationSec });
      }
      const bar = io.isTTY && !o.json && jobs.length ? new cliProgress.SingleBar({
        format: '{bar} {value}/{total} | {file}', hideCursor: true, clearOnComplete: true, stream: process.stderr,
      }, cliProgress.Presets.shades_classic) : null;
      bar?.start(jobs.length, 0, { file: '' });
      const pool = createIngestPool(threads, io.signal);
      try {
        const q = new PreviewQueue(a, (task) => pool.preview(task), pool.threads, {
          signal: io.signal,
          onProgress: bar ? (p) => bar.update(p.filesDone, { file: printable(p.currentFile ?? '') }) : undefined,
        });
        for (const j of jobs) q.add(j);
        const report = await q.drain();
        bar?.stop();
        // Items that already had one, or never can (audio, documents), counted for the summary.
        report.existing += rows.filter((r) => hasPreview(r.kind)).length - jobs.length;
        report.unsupported += rows.filter((r) => !hasPreview(r.kind)).length;
        if (o.json) printJson(io, { archive: a.dir, ...report });
        else for (const l of previewLines(report)) outLine(io, l);
        return io.signal?.aborted ? 1 : 0;
      } finally {
        bar?.stop();
        await pool.destroy();
      }
    });
  },
};
