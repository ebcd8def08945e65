// `evidence compare PATH`: run against a card before formatting it; exit 0 and "SAFE TO FORMAT"
// only when every file on it is in the archive byte for byte (core/reels/compare.ts).
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { MhlIngestReport } from '../../core/mhl/ingest-check.ts';
import { compareWithArchive, hashListBlocking, type CompareStatus, type HashListMismatch } from '../../core/reels/compare.ts';
import { t } from '../i18n/index.ts';
import { EXIT, printJson, type Io } from '../io.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

// The order problems are listed in: what blocks first, what is merely ignored last.
const SECTIONS: [CompareStatus, string][] = [
  ['missing', 'cmp_head_missing'], ['changed', 'cmp_head_changed'], ['deleted', 'cmp_head_deleted'], ['object-missing', 'cmp_head_object'],
  ['unreadable', 'cmp_head_unreadable'], ['hidden', 'cmp_head_hidden'], ['ignored', 'cmp_head_ignored'],
];

/**
 * Why a listed file differs from its hash list, by what the archive holds (fixity9 §3): the file as
 * offloaded (it changed on the card since), this same file (it already differed when offloaded),
 * or neither.
 */
function mismatchWords(reason: string, m: HashListMismatch | undefined): string {
  if (m?.cardFileItem != null) return t('fixity9:mhl.sameInArchive', { id: m.cardFileItem, reason });
  if (m?.offloadedItem != null) return t('fixity9:mhl.changedAfterOffload', { id: m.offloadedItem, reason });
  return t('fixity9:mhl.noCopy', { reason });
}

/** The card's own hash lists' findings, with what each means for formatting (core/reels/compare.ts hashListBlocking). */
function printHashLists(io: Io, r: MhlIngestReport | null, mismatches: readonly HashListMismatch[]): void {
  if (!r) return;
  const blocking = r.files.filter((f) => f.status !== 'not-listed' && f.status !== 'verified');
  const notListed = r.files.filter((f) => f.status === 'not-listed');
  const chain = r.histories.flatMap((h) => h.chain.filter((c) => c.status !== 'ok').map((c) => ({ h, c })));
  if (!blocking.length && !r.rejected?.length && !notListed.length && !chain.length) {
    outLine(io, t('reels:cmp_mhl_ok', { count: r.counts.verified }));
    return;
  }
  if (blocking.length || r.rejected?.length || chain.length) outLine(io, t('reels:cmp_head_mhl'));
  for (const { h, c } of chain) outLine(io, `  ${printable(`${h.folderName}/ascmhl/${c.path}`)}: ${t('reels:cmp_mhl_chain', { status: c.status })}`);
  for (const f of blocking) {
    const why = f.status === 'missing' ? t('reels:cmp_mhl_missing') : f.status === 'mismatch' ? mismatchWords(f.reason ?? '', mismatches.find((m) => m.path === f.path)) : (f.reason ?? f.status);
    outLine(io, `  ${printable(f.path)} (${printable(f.history)}): ${printable(why)}`);
  }
  for (const x of r.rejected ?? []) outLine(io, `  ${printable(x.file)}: ${t('reels:cmp_mhl_unreadable', { reason: printable(x.reason) })}`);
  if (notListed.length) {
    outLine(io, t('reels:cmp_head_mhl_unlisted'));
    for (const f of notListed) outLine(io, `  ${printable(f.path)}`);
  }
}

export const compareCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('compare').argument('<path>', 'the card (or any folder or file) to compare with the archive'))
      .option('--json', 'print the comparison as JSON (every file with its status)')
      .option('--quick', t('reels:help_compare_quick'))
      .description(t('reels:help_compare')),
  async run([path, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; quick?: boolean };
    return withArchive(o, {}, async (a) => {
      const bar = io.isTTY && !o.json ? new cliProgress.SingleBar({
        format: '{bar} {percentage}% | {files} | {bytes} | {file}', hideCursor: true, clearOnComplete: true, stream: process.stderr,
      }, cliProgress.Presets.shades_classic) : null;
      bar?.start(1, 0, { files: '', bytes: '', file: '' });
      const report = await compareWithArchive(a.db, a.objectsDir, path as string, {
        signal: io.signal, exclude: [a.dir], quick: o.quick === true,
        onProgress: bar ? (pr) => {
          bar.setTotal(Math.max(1, pr.bytesTotal));
          bar.update(pr.bytesDone, { files: `${pr.filesDone}/${pr.filesTotal}`, bytes: `${formatBytes(pr.bytesDone)}/${formatBytes(pr.bytesTotal)}`, file: pr.currentFile ? printable(pr.currentFile.slice(-50)) : '' });
        } : undefined,
      });
      bar?.stop();
      const code = report.safeToFormat ? EXIT.OK : EXIT.FAILED;
      if (o.json) {
        printJson(io, { archive: a.dir, ...report });
        return code;
      }
      const shown = printable(report.path);
      outLine(io, t('reels:cmp_summary', { files: t('files', { count: report.filesHashed }), bytes: formatBytes(report.bytesHashed), path: shown, archived: report.counts.archived }));
      for (const [status, head] of SECTIONS) {
        const es = report.entries.filter((e) => e.status === status);
        if (!es.length) continue;
        outLine(io, t(`reels:${head}`));
        for (const e of es) outLine(io, `  ${e.reason?.startsWith(e.path) ? e.reason : `${e.path}${e.reason && status !== 'missing' ? `: ${e.reason}` : ''}`}${e.sha256 && status === 'missing' ? `  (SHA-256 ${e.sha256})` : ''}`);
      }
      printHashLists(io, report.hashLists, report.hashListMismatches);
      const blocking = report.blocking;
      if (report.safeToFormat) outLine(io, t(report.archiveCheck === 'sha256' ? 'reels:cmp_safe' : 'reels:cmp_safe_quick', { path: shown }));
      else if (report.interrupted) outLine(io, t('reels:cmp_interrupted'));
      else if (report.filesHashed === 0 && blocking === 0) outLine(io, t('reels:cmp_empty', { path: shown }));
      else if (blocking === hashListBlocking(report.hashLists)) outLine(io, t('reels:cmp_not_safe_mhl', { count: blocking, path: shown }));
      else outLine(io, t('reels:cmp_not_safe', { count: blocking, path: shown }));
      return code;
    });
  },
};
