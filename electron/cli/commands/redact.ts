// `evidence redact ITEM...`: redacted copies (derivatives) of items for publication — metadata
// stripped, faces and drawn regions blurred — never touching the originals (core/redact/).
// `evidence redact --log ITEM` prints the detection log of the item's newest redacted copy.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveOperator, type Archive } from '../../core/archive.ts';
import { resolveItemRef, type ItemRow } from '../../core/db/items.ts';
import { objectPath } from '../../core/objects.ts';
import { redactionRefusal } from '../../core/redact/redactable.ts';
import { fitRegions, RegionOutsideError, uprightSize } from '../../core/redact/regions.ts';
import type { DatePolicy } from '../../core/redact/exif-min.ts';
import { ORIENTATION_POLICY_NAMES, parseRegions, type BlurMode, type OrientationPolicy, type Region } from '../../core/redact/face-port.ts';
import { readDetectionLog, redactItem, RedactRefusedError, type RedactDeps } from '../../core/redact/redact.ts';
import { newestDerivative } from '../../core/redact/store.ts';
import { derivativeJson } from './redact-lines.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';

interface RedactCliOptions {
  archive?: string;
  stripMetadata?: boolean;
  blurFaces?: boolean;
  blurRegions?: string;
  mode?: string;
  margin?: string;
  orientations?: string;
  keepDate?: boolean;
  coarsenDate?: string;
  dropDate?: boolean;
  log?: boolean;
  operator?: string;
  json?: boolean;
}

/** The date policy the options ask for; throws UsageError for two at once or a bad precision. */
export function datePolicyOf(o: Pick<RedactCliOptions, 'keepDate' | 'coarsenDate' | 'dropDate'>): DatePolicy {
  if ([o.keepDate, o.coarsenDate !== undefined, o.dropDate].filter(Boolean).length > 1) throw new UsageError(t('redact:oneDate'));
  if (o.coarsenDate !== undefined) {
    if (!['day', 'month', 'year'].includes(o.coarsenDate)) throw new UsageError(t('redact:badCoarsen', { value: printable(o.coarsenDate) }));
    return o.coarsenDate as DatePolicy;
  }
  return o.dropDate ? 'drop' : 'keep';
}

function readRegionsFile(file: string): Region[] {
  try {
    return parseRegions(JSON.parse(readFileSync(file, 'utf8')), file);
  } catch (e) {
    throw new UsageError(t('redact:badRegions', { file: printable(file), reason: printable((e as Error).message) }));
  }
}

async function printLog(io: Io, a: Archive, refs: string[]): Promise<number> {
  const out: unknown[] = [];
  for (const ref of refs) {
    const it = resolve(a, ref);
    const d = newestDerivative(a.db, it.id);
    if (!d) throw new UsageError(t('redact:noDerivative', { id: it.id }));
    const log = readDetectionLog(a, d);
    if (!log) throw new UsageError(t('redact:noLog', { id: it.id, sha256: d.sha256 }));
    out.push({ item: it.id, derivative: d.sha256, detectionLog: d.logSha256, log });
  }
  printJson(io, refs.length === 1 ? out[0] : out);
  return 0;
}

/**
 * Throws UsageError naming the box, the item and its upright picture size (regions.ts fitRegions)
 * when a box of `regions` lies wholly outside the picture of one of `items`. Items redaction
 * cannot handle are skipped (redactItem refuses them, item by item).
 */
async function checkRegionsFit(a: Archive, items: ItemRow[], regions: Region[], file: string): Promise<void> {
  for (const it of items) {
    if (redactionRefusal(it.record)) continue;
    try {
      fitRegions(regions, await uprightSize(objectPath(a.objectsDir, it.record.sha256), it.record.mime!), `item ${it.id}`);
    } catch (e) {
      if (e instanceof RegionOutsideError) {
        throw new UsageError(t('redact:regionOutside', { file: printable(file), id: it.id, n: e.index, box: e.box, width: e.size.width, height: e.size.height }));
      }
      throw e;
    }
  }
}

function resolve(a: Archive, ref: string) {
  try {
    return resolveItemRef(a.db, ref);
  } catch (e) {
    throw new UsageError(printable((e as Error).message));
  }
}

/** Runs `redact` with `deps` (tests inject a stand-in face module through it). */
export async function runRedact(refs: string[], o: RedactCliOptions, io: Io, deps: RedactDeps = {}): Promise<number> {
  if (o.log) return withArchive(o, {}, (a) => printLog(io, a, refs));
  const regions = o.blurRegions !== undefined ? readRegionsFile(o.blurRegions) : [];
  if (!o.stripMetadata && !o.blurFaces && !regions.length && o.blurRegions === undefined) throw new UsageError(t('redact:sayWhat'));
  const date = datePolicyOf(o);
  if (o.mode !== undefined && o.mode !== 'blur' && o.mode !== 'pixelate') throw new UsageError(t('redact:badMode', { value: printable(o.mode) }));
  const marginPct = o.margin !== undefined ? Number(o.margin) : undefined;
  if (marginPct !== undefined && !(marginPct >= 0 && marginPct <= 200)) throw new UsageError(t('redact:badMargin', { value: printable(o.margin) }));
  if (o.orientations !== undefined && !(ORIENTATION_POLICY_NAMES as readonly string[]).includes(o.orientations)) {
    throw new UsageError(t('redact:badOrientations', { value: printable(o.orientations) }));
  }
  const orientations = o.orientations as OrientationPolicy | undefined;
  const actor = resolveOperator(o.operator);
  return withArchive(o, { write: true }, async (a) => {
    const items = refs.map((r) => resolve(a, r));
    // Every given box must touch every picture before any copy is made: a box wholly outside one is a mistake in the file (exit 2, nothing written).
    if (regions.length) await checkRegionsFit(a, items, regions, o.blurRegions!);
    const results: unknown[] = [];
    let failed = 0;
    for (const it of items) {
      try {
        const r = await redactItem(a, it, { stripMetadata: o.stripMetadata ?? false, blurFaces: o.blurFaces ?? false, regions, mode: o.mode as BlurMode | undefined, marginPct, date, ...(orientations ? { orientations } : {}) }, actor, deps);
        const d = r.derivative;
        results.push({ item: it.id, original: it.record.sha256, reused: r.reused, ...(r.eventSeq !== undefined ? { event: r.eventSeq } : {}), derivative: derivativeJson(d) });
        if (o.json) continue;
        const vars = { id: it.id, sha256: d.sha256, mime: d.mime, size: formatBytes(d.bytes), seq: r.eventSeq };
        outLine(io, t(r.reused ? 'redact:reused' : 'redact:made', vars));
        const groups = (d.removed.metadataGroups as string[] | undefined) ?? [];
        outLine(io, groups.length ? t('redact:removedGroups', { groups: groups.join(', ') }) : t('redact:removedNone'));
        if (d.logSha256) outLine(io, t('redact:blurred', { count: Number(d.removed.blurredBoxes ?? 0), log: d.logSha256 }));
      } catch (e) {
        failed++;
        const why = e instanceof RedactRefusedError ? e.message : `item ${it.id}: ${(e as Error).message}`;
        results.push({ item: it.id, original: it.record.sha256, error: why });
        errLine(io, t('redact:failed', { reason: printable(why) }));
      }
    }
    if (o.json) printJson(io, results);
    return failed ? 1 : 0;
  });
}

export const redact: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('redact').argument('<items...>', 'catalog ids or SHA-256 prefixes'))
      .option('--strip-metadata', 'remove GPS, serial numbers, names, maker notes, thumbnails, IPTC/XMP and comments (always done; alone, a copy without blurring)')
      .option('--blur-faces', 'detect faces and blur them (photos and every video frame; audio kept bit-identical)')
      .option('--blur-regions <file>', 'also blur these boxes: a JSON array of {x, y, w, h[, fromSec, toSec, label]} in pixels of the upright picture (after EXIF orientation; a video after its rotation). ' +
        'A box partly off the edge is clipped, one wholly outside is refused. Boxes drawn in the app are always added')
      .option('--mode <mode>', 'blur or pixelate (default blur)')
      .option('--margin <pct>', 'grow each box by this percentage before blurring')
      .option('--orientations <which>', t('redact:optOrientations'))
      .option('--keep-date', 'keep the capture date (the default)')
      .option('--coarsen-date <precision>', 'keep only the day, month or year of the capture date')
      .option('--drop-date', 'write no capture date')
      .option('--log', 'print the detection log of the newest redacted copy instead (JSON)')
      .option('--operator <name>', 'who made the copy (custody log)')
      .option('--json', 'print as JSON')
      .description('make a redacted copy (a derivative) of each item for publication, with its own SHA-256, linked to the original, recorded as a PREMIS redaction event; the original is never changed'),
  async run(args: unknown[], io: Io) {
    return runRedact(args[0] as string[], args[1] as RedactCliOptions, io);
  },
};

