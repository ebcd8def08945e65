import type { Command } from 'commander';
import { filterItemIds } from '../../core/catalog/filters.ts';
import { taggedItems } from '../../core/catalog/listing.ts';
import { printJson, type Io } from '../io.ts';
import { filterFromOptions, filterOptions, usage, type FilterCliOptions } from './catalog-shared.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';
import { outLine, count } from './text.ts';

export const list: CliCommand = {
  define: (p: Command) =>
    filterOptions(archiveOption(p.command('list')))
      .option('--json', 'print an array of normalized records with id, sources and catalog (places, people, incidents, cases, tags, description, notes)')
      .description('one row per item; filters combine with AND'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as FilterCliOptions & { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      const filter = filterFromOptions(a.db, o, io);
      const items = taggedItems(a.db, usage(() => filterItemIds(a.db, filter)));
      if (o.json) {
        printJson(io, items);
        return 0;
      }
      for (const it of items) {
        // Many cameras repeat the make in the model ("Canon" + "Canon PowerShot S40").
        const cam = it.make && it.model?.toLowerCase().startsWith(it.make.toLowerCase()) ? it.model : [it.make, it.model].filter(Boolean).join(' ');
        const places = it.catalog.places.length ? `  @${it.catalog.places.join(',')}` : '';
        outLine(io, `${String(it.id).padStart(5)}  ${it.sha256.slice(0, 12)}  ${it.kind.padEnd(8)} ${formatBytes(it.bytes).padStart(10)}  ${(it.capturedAt ?? '—').padEnd(25)}  ${cam ? cam + '  ' : ''}${it.sources[0]?.name ?? ''}${places}`);
      }
      outLine(io, count(items.length, 'item'));
      return 0;
    });
  },
};
