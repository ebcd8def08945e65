import type { Command } from 'commander';
import { streamTaggedItems, type ListWindow } from '../../core/catalog/stream.ts';
import { jsonArrayWriter, UsageError, type Io } from '../io.ts';
import { filterFromOptions, filterOptions, usage, type FilterCliOptions } from './catalog-shared.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';
import { printable } from './text.ts';
import { sidecarListing } from './sidecars-text.ts';
import { t } from '../i18n/index.ts';
import { mismatchKm, printGpsMismatches } from './gps-mismatch.ts';
import { capturedText } from './captured-text.ts';

/** A whole number ≥ 0 given to `option`, or undefined when absent; UsageError otherwise. */
function whole(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/u.test(value.trim()) || !Number.isSafeInteger(n)) throw new UsageError(t('list:wholeNumber', { option, value }));
  return n;
}

export const list: CliCommand = {
  define: (p: Command) =>
    filterOptions(archiveOption(p.command('list')))
      .option('--json', 'print an array of normalized records with id, sources and catalog (places, people, incidents, cases, tags, description, notes)')
      .option('--limit <n>', 'at most N items (a page); when more match, stderr says how to get the next page')
      .option('--offset <n>', 'skip the first N matching items')
      .option('--after <id>', 'only items after this catalog id (the cursor the previous page printed)')
      .option('--no-sidecars', t('sidecars-previews:optNoSidecars'))
      .option('--gps-mismatch [km]', t('map:optGpsMismatch'))
      .description('one row per item, by catalog id; filters combine with AND. Rows stream as they are read, so any number of items lists in flat memory'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as FilterCliOptions & { archive?: string; json?: boolean; limit?: string; offset?: string; after?: string; sidecars?: boolean; gpsMismatch?: string | true };
    if (o.gpsMismatch !== undefined) {
      const km = mismatchKm(o.gpsMismatch);
      return withArchive(o, {}, async (a) => printGpsMismatches(a.db, io, km, Boolean(o.json)));
    }
    const limit = whole(o.limit, '--limit');
    const offset = whole(o.offset, '--offset');
    let window: ListWindow = { afterId: whole(o.after, '--after'), offset, limit: limit === undefined ? undefined : limit + 1 };
    return withArchive(o, {}, async (a) => {
      const filter = filterFromOptions(a.db, o, io);
      const sidecars = sidecarListing(a.db, o.sidecars !== false, offset);
      if (sidecars.hiding) window = { afterId: window.afterId };
      // One row past the page says whether there is a next page, without counting the matches.
      const items = usage(() => streamTaggedItems(a.db, filter, window));
      let shown = 0;
      let lastId: number | null = null;
      let more = false;
      const json = o.json ? jsonArrayWriter(io) : null;
      // Lines go out in chunks: one write per row cost a system call per row.
      let text = '';
      const line = (s: string) => {
        text += `${printable(s)}\n`;
        if (text.length >= 1 << 16) {
          io.out(text);
          text = '';
        }
      };
      // Rows stream, so the id column is as wide as the largest id in the catalog (one indexed lookup).
      const idWidth = json ? 0 : Math.max(5, String((a.db.prepare('SELECT max(id) FROM items').pluck().get() as number | null) ?? 0).length);
      for (const it of items) {
        const sidecarOf = sidecars.of(it.id);
        if (sidecarOf === null) continue;
        if (limit !== undefined && shown === limit) {
          more = true;
          break;
        }
        shown++;
        lastId = it.id;
        if (json) {
          json.add(sidecarOf.length ? { ...it, sidecarOf } : it);
          continue;
        }
        // Many cameras repeat the make in the model ("Canon" + "Canon PowerShot S40").
        const cam = it.make && it.model?.toLowerCase().startsWith(it.make.toLowerCase()) ? it.model : [it.make, it.model].filter(Boolean).join(' ');
        const places = it.catalog.places.length ? `  @${it.catalog.places.join(',')}` : '';
        line(`${String(it.id).padStart(idWidth)}  ${it.sha256.slice(0, 12)}  ${t(`list:kind.${it.kind}`, { defaultValue: it.kind }).padEnd(8)} ${formatBytes(it.bytes).padStart(10)}  ${capturedText(it.capturedAt, it.capturedAtHasZone).padEnd(25)}  ${cam ? cam + '  ' : ''}${it.sources[0]?.name ?? ''}${places}${sidecarOf.length ? `  ${t('sidecars-previews:listSidecarOf', { ids: sidecarOf.join(',') })}` : ''}`);
      }
      if (json) json.end();
      else {
        line(t('n.item', { count: shown }));
        io.out(text);
      }
      if (more && lastId !== null) io.err(`${t('list:more', { after: lastId })}\n`);
      return 0;
    });
  },
};
