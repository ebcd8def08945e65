import type { Command } from 'commander';
import { listedItems } from '../../core/catalog/records.ts';
import { printJson, type Io } from '../io.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';

export const list: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('list')).option('--json', 'print an array of normalized records with id and sources')
      .description('one row per item'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      const items = listedItems(a.db);
      if (o.json) {
        printJson(io, items);
        return 0;
      }
      for (const it of items) {
        const cam = [it.make, it.model].filter(Boolean).join(' ');
        io.out(`${String(it.id).padStart(5)}  ${it.sha256.slice(0, 12)}  ${it.kind.padEnd(8)} ${formatBytes(it.bytes).padStart(10)}  ${(it.capturedAt ?? '—').padEnd(25)} ${cam ? cam + '  ' : ''}${it.sources[0]?.name ?? ''}\n`);
      }
      io.out(`${items.length} items\n`);
      return 0;
    });
  },
};
