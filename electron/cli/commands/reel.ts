// `evidence reel list` and `evidence reel show NAME`: the cards and volumes ingests read, and
// what each held (catalog/reels.ts).
import type { Command } from 'commander';
import { allReels, findReel, listReels, summarizeReel, type ReelSummary } from '../../core/catalog/reels.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { capturedText } from './captured-text.ts';
import { cardText, volumeText } from './reel-text.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';
import { outLine } from './text.ts';

const range = (a: string | null, b: string | null): string => (a === null ? '—' : a === b ? a : `${a} – ${b}`);

/** The capture-time range of a reel, each end with its zone or "(zone unknown)" (captured-text.ts). */
const capturedRange = (s: ReelSummary): string =>
  s.firstCapturedAt === null ? '—' : range(capturedText(s.firstCapturedAt, s.firstCapturedAtHasZone), capturedText(s.lastCapturedAt, s.lastCapturedAtHasZone));

/** Lines of a table: each column as wide as its widest cell, two spaces between. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd());
}

/** The 'in archive' line of `reel show`: yes, or why not (an unfinished ingest first: then the counts say nothing of the rest of the card). */
function completeText(s: ReelSummary): string {
  if (s.complete) return t('reels:complete_yes');
  if (s.incomplete.ingestUnfinished) return t('reels:complete_unfinished');
  return t('reels:complete_no', { notRecorded: s.incomplete.filesNotRecorded, objectsMissing: s.incomplete.objectsMissing });
}

function group(program: Command): Command {
  return program.commands.find((c) => c.name() === 'reel') ?? program.command('reel').description(t('reels:help_reel'));
}

const reelList: CliCommand = {
  define: (p: Command) =>
    archiveOption(group(p).command('list')).option('--json', 'print the reels as JSON').description(t('reels:help_reel_list')),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      const reels = listReels(a.db, a.objectsDir);
      if (o.json) {
        printJson(io, reels);
        return 0;
      }
      if (!reels.length) {
        outLine(io, t('reels:none'));
        return 0;
      }
      const head = ['name', 'kind', 'volume', 'files', 'size', 'captured', 'ingested', 'complete'].map((k) => t(`reels:col_${k}`));
      const rows = reels.map((r: ReelSummary) => [
        r.name, cardText(r.card), volumeText(r.volumeLabel, r.volumeUuid), String(r.files), formatBytes(r.bytes),
        capturedRange(r), range(r.firstIngestedAt, r.lastIngestedAt), t(r.complete ? 'reels:yes' : 'reels:no'),
      ]);
      for (const l of table([head, ...rows])) outLine(io, l);
      return 0;
    });
  },
};

const reelShow: CliCommand = {
  define: (p: Command) =>
    archiveOption(group(p).command('show').argument('<name>', 'reel name, as `reel list` gives it')).option('--json', 'print the reel and its files as JSON')
      .description(t('reels:help_reel_show')),
  async run([name, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      const r = findReel(a.db, name as string);
      if (!r) throw new UsageError(t('reels:not_found', { name: name as string }) + (allReels(a.db).length ? '' : `; ${t('reels:none')}`));
      const s = summarizeReel(a.db, r, a.objectsDir);
      if (o.json) {
        const { fileList, ...rest } = s;
        printJson(io, { ...rest, files: fileList.length, fileList });
        return 0;
      }
      const row = (k: string, v: string) => outLine(io, `${t(`reels:label_${k}`).padEnd(12)} ${v}`);
      row('name', s.name);
      row('named', t(`reels:named_${s.nameSource}`));
      row('card', cardText(s.card));
      row('volume', volumeText(s.volumeLabel, s.volumeUuid));
      row('root', r.rootPath);
      row('files', `${t('files', { count: s.files })}, ${formatBytes(s.bytes)}`);
      row('captured', capturedRange(s));
      row('ingested', range(s.firstIngestedAt, s.lastIngestedAt));
      row('complete', completeText(s));
      outLine(io, '');
      for (const f of s.fileList) {
        outLine(io, `  ${String(f.itemId).padStart(5)}  ${f.sha256.slice(0, 12)}  ${f.kind.padEnd(8)} ${formatBytes(f.bytes).padStart(10)}  ${capturedText(f.capturedAt, f.capturedAtHasZone).padEnd(25)}  ${f.source.path}${f.inArchive ? '' : `  [${t('reels:file_not_in_archive')}]`}`);
      }
      return 0;
    });
  },
};

/** `evidence reel list|show`. */
export const reelCommands: CliCommand[] = [reelList, reelShow];
