// `evidence mhl ITEM… --out DIR`: an offload copy of items with an ASC MHL v2.0 history; and the
// option parsing `evidence export --mhl` shares.
import type { Command } from 'commander';
import { hostName, resolveOperator } from '../../core/archive.ts';
import type { Db } from '../../core/db/open.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { ASC_MHL_FORMATS, type MhlHashFormat } from '../../core/mhl/hash.ts';
import { OffloadConflictError, offloadWithMhl } from '../../core/mhl/offload.ts';
import { MhlHistoryDamagedError, type MhlWriteCreator, type MhlWriteResult } from '../../core/mhl/write.ts';
import { t } from '../i18n/index.ts';
import { findReel, itemsOnReel } from '../../core/catalog/reels.ts';
import { reelOffloadFiles, type OffloadFile } from '../../core/reels/offload-files.ts';
import { EXIT, printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';

/** This build's name and version as an MHL creatorinfo tool. */
export const MHL_TOOL = { tool: 'Evidence Archive', toolVersion: '0.1.0' } as const;

/** The host name written into a public release's history instead of this machine's (it can name a person or a place). */
export const NEUTRAL_HOST = 'evidence-archive';

/**
 * Parses `--mhl-hash xxh128,md5`: ASC MHL v2.0 formats (c4, md5, sha1, xxh128, xxh3, xxh64); default
 * xxh128, which is always written. Throws UsageError naming an unknown format.
 */
export function parseMhlFormats(text: string | undefined): MhlHashFormat[] {
  const out: MhlHashFormat[] = ['xxh128'];
  for (const raw of (text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (!(ASC_MHL_FORMATS as readonly string[]).includes(raw)) throw new UsageError(t('mhl:badFormat', { name: raw, choices: ASC_MHL_FORMATS.join(', ') }));
    if (!out.includes(raw as MhlHashFormat)) out.push(raw as MhlHashFormat);
  }
  return out;
}

/** The creatorinfo our histories carry: tool and version, this host (a neutral name for a public release), the operator as author. */
export function mhlCreator(actor: string, publicRelease: boolean): MhlWriteCreator {
  return { ...MHL_TOOL, hostName: publicRelease ? NEUTRAL_HOST : hostName(), author: actor };
}

/** The items on reel (card) `name`; an unknown reel is a UsageError (its name printable). */
export function itemsForReel(db: Db, name: string): number[] {
  if (!findReel(db, name)) throw new UsageError(printable(t('reels:not_found', { name })));
  return itemsOnReel(db, name);
}

/** The files of reel `name` with their place in an offload folder (reels/offload-files.ts); an unknown reel is a UsageError. */
function reelFilesFor(db: Db, name: string): OffloadFile[] {
  if (!findReel(db, name)) throw new UsageError(printable(t('reels:not_found', { name })));
  return reelOffloadFiles(db, name);
}

interface MhlCliOptions {
  archive?: string;
  out: string;
  reel?: string;
  mhlHash?: string;
  operator?: string;
  json?: boolean;
  acceptDamagedHistory?: boolean;
}

/** Lines per kind (failed, missing, renamed) before the rest are counted. */
const LINES_PER_KIND = 50;

function limitedLines(io: Io, lines: string[]): void {
  for (const l of lines.slice(0, LINES_PER_KIND)) outLine(io, l);
  if (lines.length > LINES_PER_KIND) outLine(io, t('mhl:outMore', { count: lines.length - LINES_PER_KIND }));
}

/** The files of `folder` that failed verification or are missing, one line each (then counted), and a summary line; nothing when all verified. */
export function printVerification(io: Io, folder: string, g: MhlWriteResult): void {
  limitedLines(io, g.failed.map((f) => printable(t('mhl:outFailed', { path: f.path, folder, format: f.format, found: f.found, expected: f.expected }))));
  limitedLines(io, g.missing.map((p) => printable(t('mhl:outMissing', { path: p, folder }))));
  if (g.failed.length || g.missing.length) {
    errLine(io, t('mhl:outNotOk', { failed: new Set(g.failed.map((f) => f.path)).size, missing: g.missing.length }));
  }
}

export const mhlCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('mhl').argument('[items...]', 'items to copy (catalog ids or SHA-256 prefixes)'))
      .requiredOption('--out <dir>', 'folder to copy them into; its ascmhl/ history gets a new generation (a folder used before is added to, never overwritten)')
      .option('--reel <name>', 'copy every item of this reel (card)')
      .option('--mhl-hash <list>', `hash formats besides xxh128: ${ASC_MHL_FORMATS.join(',')}`)
      .option('--operator <name>', 'who makes the copy (custody log, and the history\'s author)')
      .option('--json', 'print the result as JSON')
      .option('--accept-damaged-history', 'add a generation even when the folder\'s existing history is damaged (a generation or the chain unreadable, a C4 ID not the chain\'s); the damage is printed')
      .description('offload copy of items into a folder with an ASC MHL v2.0 history (ascmhl/NNNN_<folder>_<date>_<time>Z.mhl and ascmhl_chain.xml)'),
  async run([items, opts]: unknown[], io: Io) {
    const o = opts as MhlCliOptions;
    const refs = (items as string[] | undefined) ?? [];
    const formats = parseMhlFormats(o.mhlHash);
    if (!refs.length && !o.reel) throw new UsageError('mhl: name the items (evidence mhl ITEM... --out DIR) or a reel (--reel NAME)');
    return withArchive(o, { write: true }, async (a) => {
      let ids: number[];
      let files: OffloadFile[] = [];
      try {
        ids = refs.map((r) => resolveItemRef(a.db, r).id);
        // A card's files keep their place below its root, in a folder named after the reel.
        if (o.reel !== undefined) files = reelFilesFor(a.db, o.reel);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(printable((e as Error).message));
      }
      const actor = resolveOperator(o.operator);
      let r;
      try {
        r = await offloadWithMhl(a, { itemIds: ids, files, outDir: o.out, formats, actor, creator: mhlCreator(actor, false), acceptDamagedHistory: Boolean(o.acceptDamagedHistory) });
      } catch (e) {
        if (e instanceof OffloadConflictError) throw new UsageError(printable(t('mhl:exists', { path: e.path })));
        if (e instanceof MhlHistoryDamagedError) {
          if (o.json) printJson(io, { ok: false, folder: e.folder, historyProblems: e.problems });
          errLine(io, t('mhl:damaged', { folder: e.folder }));
          for (const p of e.problems) errLine(io, t('mhl:damagedLine', { problem: p }));
          return EXIT.FAILED;
        }
        throw e;
      }
      // Names the card held that the copy could not keep, so the history's path is not taken for the card's.
      const renamed = files.filter((f) => f.cardPath !== undefined).map((f) => ({ path: f.path, cardPath: f.cardPath! }));
      const g = r.generation;
      const ok = !g.failed.length && !g.missing.length;
      if (o.json) printJson(io, { ok, ...r, failed: g.failed, missing: g.missing, renamed, historyProblems: g.historyProblems });
      else {
        if (g.historyProblems.length) {
          errLine(io, t('mhl:damagedAccepted'));
          for (const p of g.historyProblems) errLine(io, t('mhl:damagedLine', { problem: p }));
        }
        limitedLines(io, renamed.map((x) => printable(t('mhl:renamed', { card: x.cardPath, path: x.path }))));
        outLine(io, printable(t('mhl:copied', { items: t('files', { count: r.items.filter((i) => i.copied).length }), folder: r.folder })));
        outLine(io, printable(t('mhl:wrote', { sequence: g.sequence, path: g.generationPath, files: t('files', { count: r.files }), folder: r.folder })));
        printVerification(io, r.folder, g);
      }
      return ok ? EXIT.OK : EXIT.FAILED;
    });
  },
};
