// The ingest command's work once its worker threads are booting (see ingest.ts): open the
// archive, ingest with a progress bar on a terminal, print the report.
import cliProgress from 'cli-progress';
import type { DigestAlgorithm, IngestFileResult } from '../../common/types.ts';
import { resolveOperator, type Archive } from '../../core/archive.ts';
import { ingest } from '../../core/ingest/ingest.ts';
import type { IngestPool } from '../../core/ingest/pool.ts';
import type { Io } from '../io.ts';
import { printJsonStreamed } from '../json-stream.ts';
import type { IngestCliOptions } from './ingest.ts';
import { replicateIngested } from './replica-hook.ts';
import { formatBytes, withArchive } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';
import { printMhlReport } from './mhl-text.ts';
import { ingestExtraLines } from './sidecars-text.ts';
import { reelLines } from './reel-text.ts';
import { t } from '../i18n/index.ts';

/** Files named under one identical warning in human output before the rest are counted. */
const SAME_WARNING_SHOWN = 5;

/** Opens (creating when absent) the archive `o.archive` for writing and ingests `paths` into it with `pool`; resolves to the exit code. */
export async function runIngest(paths: string[], o: IngestCliOptions, algorithms: DigestAlgorithm[], pool: IngestPool, io: Io): Promise<number> {
  return withArchive(o, { write: true, create: true }, (archive) => run(archive, paths, o, algorithms, pool, io));
}

/** The ingest itself, in an open archive, with a progress bar on a terminal; resolves to the exit code. */
async function run(archive: Archive, paths: string[], o: IngestCliOptions, algorithms: DigestAlgorithm[], pool: IngestPool, io: Io): Promise<number> {
  const bar = io.isTTY && !o.json ? new cliProgress.SingleBar({
    format: '{bar} {percentage}% | {files} files | {bytes} | {rate}/s | {file}',
    hideCursor: true, clearOnComplete: true, stream: process.stderr,
  }, cliProgress.Presets.shades_classic) : null;
  const started = Date.now();
  bar?.start(1, 0, { files: '0/0', bytes: '', rate: '', file: '' });
  // On a terminal a failure shows at once, above the bar; the summary lists it again on stdout.
  const onFile = (r: IngestFileResult) => {
    if (r.status === 'failed' && bar) {
      bar.stop();
      errLine(io, t('ingest:failed', { reason: r.reason }));
      bar.start(1, 0);
    }
  };
  const report = await ingest(archive, {
    inputs: paths, operator: resolveOperator(o.operator), algorithms, signal: io.signal, onFile, pool, previews: o.previews !== false, reel: o.reel,
    onProgress: bar ? (p) => {
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(Math.max(1, p.bytesTotal));
      bar.update(p.bytesDone, {
        files: `${p.filesDone}/${p.filesTotal}`, bytes: `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}`,
        rate: formatBytes(p.bytesDone / secs), file: p.currentFile ? printable(p.currentFile.slice(-50)) : '',
      });
    } : undefined,
  });
  bar?.stop();
  if (o.json) {
    // A card's hash list may name a million files: never one string for the whole report.
    printJsonStreamed(io, { archive: archive.dir, ...report });
  } else {
    const c = report.counts;
    // After a cut-short listing the files found are only some of those there: a count of them
    // "not processed" would read as the exact remainder.
    const left = report.walkInterrupted ? t('ingest:walkInterrupted', { files: t('n.file', { count: c.notProcessed }) }) : c.notProcessed ? t('ingest:notProcessed', { count: c.notProcessed }) : '';
    outLine(io, t('ingest:summary', { added: c.added, duplicate: c.duplicate, skipped: c.skipped, failed: c.failed, left, size: formatBytes(report.bytesIngested), archive: archive.dir }));
    for (const l of reelLines(report.reels)) outLine(io, l);
    // The same warning for many files (a folder of scans or notes: "matches no known media
    // format") is said for the first few files, then counted; --json lists every one.
    const sameWarning = new Map<string, number>();
    for (const r of report.files) {
      if (r.status === 'skipped') outLine(io, t('ingest:skipped', { path: r.path, reason: r.reason }));
      if (r.status === 'failed') outLine(io, t('ingest:failed', { reason: r.reason }));
      if (r.warnings?.length) {
        const text = r.warnings.join('; ');
        const n = (sameWarning.get(text) ?? 0) + 1;
        sameWarning.set(text, n);
        if (n <= SAME_WARNING_SHOWN) outLine(io, t('ingest:warning', { path: r.path, text }));
      }
    }
    for (const [text, n] of sameWarning) {
      if (n > SAME_WARNING_SHOWN) outLine(io, t('ingest:sameWarning', { count: n - SAME_WARNING_SHOWN, text }));
    }
    if (report.mhl) printMhlReport(io, report.mhl);
    for (const l of ingestExtraLines(report.sidecars, report.previews)) outLine(io, l);
    if (report.walkInterrupted) {
      const found = c.notProcessed === 0 ? t('ingest:noneFound') : t('ingest:foundSoFar', { files: t('n.file', { count: c.notProcessed }) });
      io.err(`${t('ingest:walkStopped', { found })}\n`);
    } else if (report.interrupted) {
      io.err(`${t('ingest:interrupted', { files: t('n.file', { count: c.notProcessed }) })}\n`);
    }
  }
  // The new objects go to every connected replica too; a replica not reached is a warning only.
  await replicateIngested(archive, report.files.flatMap((f) => (f.status === 'added' && f.sha256 ? [f.sha256] : [])), o, io);
  // A file changed or missing since the card's hash list was written fails the run like a failed file.
  // So does a hash list that could not be read: nothing on the card was checked against it.
  const mhlFailed = Boolean(report.mhl && (report.mhl.counts.mismatch > 0 || report.mhl.counts.missing > 0 || report.mhl.counts.invalid > 0 || (report.mhl.rejected?.length ?? 0) > 0 || (report.mhl.untrusted?.length ?? 0) > 0));
  return report.counts.failed > 0 || report.interrupted || mhlFailed ? 1 : 0;
}
