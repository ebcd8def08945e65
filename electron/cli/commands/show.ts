import type { Command } from 'commander';
import { listCustodyEvents } from '../../core/custody/log.ts';
import { getDigests, getRawMetadata, listSightings, resolveItemRef } from '../../core/db/items.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

export const show: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('show').argument('<item>', 'catalog id or SHA-256 prefix')).option('--json', 'print as JSON')
      .description('an item: record, digests, sightings, raw metadata, custody events'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      let it;
      try {
        it = resolveItemRef(a.db, ref as string);
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      const full = {
        id: it.id,
        record: it.record,
        digests: getDigests(a.db, it.id),
        sightings: listSightings(a.db, it.id),
        metadataError: it.metadataError,
        warnings: it.warnings,
        rawMetadata: getRawMetadata(a.db, it.id),
        custody: listCustodyEvents(a.db, { item: it.record.sha256 }),
      };
      if (o.json) {
        printJson(io, full);
        return 0;
      }
      const r = it.record;
      const lines: [string, unknown][] = [
        ['id', it.id], ['sha256', r.sha256], ['bytes', r.bytes], ['mime', r.mime], ['kind', r.kind], ['make', r.make], ['model', r.model],
        ['serial', r.serial ? `${r.serial} (${r.serialSource})` : null],
        ['capturedAt', r.capturedAt ? `${r.capturedAt} (${r.capturedAtSource}${r.capturedAtHasZone ? '' : ', time zone unknown'})` : null],
        ['gps', r.gps ? `${r.gps.lat}, ${r.gps.lon}${r.gps.alt !== null ? `, ${r.gps.alt} m` : ''} (${r.gps.source})${r.gps.noFix ? ' — 0,0 is a device\'s "no fix"' : ''}` : null],
        ['orientation', r.orientation], ['size', r.width ? `${r.width}×${r.height}` : null], ['durationSec', r.durationSec], ['codec', r.codec],
      ];
      // Make, model, dates and warnings come from the file's own metadata: as untrusted as its name.
      for (const [k, v] of lines) outLine(io, `${k.padEnd(12)} ${v ?? '—'}`);
      for (const d of r.otherDates) outLine(io, `${'other date'.padEnd(12)} ${d.value} (${d.tag})`);
      for (const [alg, v] of Object.entries(full.digests)) outLine(io, `${alg.padEnd(12)} ${v}`);
      if (it.metadataError) outLine(io, `${'metadata'.padEnd(12)} error: ${it.metadataError}`);
      for (const w of it.warnings) outLine(io, `${'warning'.padEnd(12)} ${w}`);
      outLine(io, 'sightings:');
      for (const s of full.sightings) outLine(io, `  ${s.ingestedAt}  ${s.operator}@${s.host}  ${s.path}  (${s.bytes} bytes, mtime ${s.mtime})`);
      outLine(io, 'custody:');
      for (const ev of full.custody) outLine(io, `  #${ev.seq} ${ev.at}  ${ev.type}  by ${ev.actor}`);
      return 0;
    });
  },
};
