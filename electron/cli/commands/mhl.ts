// `evidence mhl ITEM… --out DIR`: an offload copy of items with an ASC MHL v2.0 history; and the
// option parsing `evidence export --mhl` shares.
import type { Command } from 'commander';
import { hostName, resolveOperator } from '../../core/archive.ts';
import type { Db } from '../../core/db/open.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { ASC_MHL_FORMATS, type MhlHashFormat } from '../../core/mhl/hash.ts';
import { OffloadConflictError, offloadWithMhl } from '../../core/mhl/offload.ts';
import type { MhlWriteCreator } from '../../core/mhl/write.ts';
import { t } from '../i18n/index.ts';
import { findReel, itemsOnReel } from '../../core/catalog/reels.ts';
import { reelOffloadFiles, type OffloadFile } from '../../core/reels/offload-files.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

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
}

export const mhlCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('mhl').argument('[items...]', 'items to copy (catalog ids or SHA-256 prefixes)'))
      .requiredOption('--out <dir>', 'folder to copy them into; its ascmhl/ history gets a new generation (a folder used before is added to, never overwritten)')
      .option('--reel <name>', 'copy every item of this reel (card)')
      .option('--mhl-hash <list>', `hash formats besides xxh128: ${ASC_MHL_FORMATS.join(',')}`)
      .option('--operator <name>', 'who makes the copy (custody log, and the history\'s author)')
      .option('--json', 'print the result as JSON')
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
        r = await offloadWithMhl(a, { itemIds: ids, files, outDir: o.out, formats, actor, creator: mhlCreator(actor, false) });
      } catch (e) {
        if (e instanceof OffloadConflictError) throw new UsageError(printable(t('mhl:exists', { path: e.path })));
        throw e;
      }
      if (o.json) printJson(io, r);
      else {
        outLine(io, printable(t('mhl:copied', { items: t('files', { count: r.items.filter((i) => i.copied).length }), folder: r.folder })));
        outLine(io, printable(t('mhl:wrote', { sequence: r.generation.sequence, path: r.generation.generationPath, files: t('files', { count: r.files }), folder: r.folder })));
      }
      return 0;
    });
  },
};
